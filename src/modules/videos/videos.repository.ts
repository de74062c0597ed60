import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, type QueryFilter, Types } from 'mongoose';
import { keysetAfter } from 'src/common/database/keyset.util';
import { containsLiteral } from 'src/common/database/literal-match.util';
import { CounterDocuments } from 'src/common/database/counter-documents';
import { nextVersion } from 'src/common/database/version.util';
import {
  type CounterFix,
  type FixOutcome,
  type IdSelection,
  selectionCondition,
} from 'src/common/database/stored-counters.util';
import type { PageWindow } from 'src/common/pagination/cursor-pages.service';
import {
  type ProcessingState,
  type StoredAsset,
  UNFINISHED_PROCESSING_STATES,
  Video,
  VIDEO_COUNTER_FIELDS,
  type VideoCounterField,
} from 'src/modules/videos/schemas/video.schema';
import type {
  NewVideo,
  OwnerTotalsRecord,
  DueRunRecord,
  ProcessingSourceRecord,
  PublishedVideoFilter,
  SortOrder,
  VideoCountsRecord,
  VideoCountersRecord,
  VideoPublishRecord,
  VideoRecord,
  VideoRefRecord,
  VideoSortField,
} from 'src/modules/videos/video-records.type';

const RECORD_PROJECTION = { __v: 0 } as const;
/** What a change to a video moves in its owner's channel counters. */
const COUNTS_PROJECTION = { owner: 1, isPublished: 1, views: 1, likesCount: 1 } as const;
/** A publish flip moves the counts and announces the video with its sort key. */
const PUBLISH_PROJECTION = { ...COUNTS_PROJECTION, createdAt: 1 } as const;
const REF_PROJECTION = { owner: 1, isPublished: 1, createdAt: 1 } as const;
/** Counter updates are not edits of the video: `updatedAt` stays. */
const QUIET = { timestamps: false } as const;
const COUNTERS_PROJECTION = { owner: 1, likesCount: 1, commentsCount: 1 } as const;

@Injectable()
export class VideosRepository {
  private readonly counters: CounterDocuments<VideoCountersRecord, VideoCounterField>;

  constructor(@InjectModel(Video.name) private readonly videos: Model<Video>) {
    this.counters = new CounterDocuments(videos, COUNTERS_PROJECTION, VIDEO_COUNTER_FIELDS);
  }

  async create({ processingState, ...video }: NewVideo): Promise<VideoRecord> {
    const created = await this.videos.create({
      ...video,
      processing: {
        state: processingState,
        progress: processingState === 'ready' ? 100 : 0,
        error: null,
        runId: null,
      },
      hls: null,
      owner: new Types.ObjectId(video.owner),
      views: 0,
      likesCount: 0,
      commentsCount: 0,
    });
    return created.toObject<VideoRecord>();
  }

  /**
   * The video if the caller may see it (published, or theirs). The query is the `_id` alone and
   * visibility is checked here: a lookup by exactly a unique key is the one query every engine,
   * the embedded one included, answers from an index, so it costs the same at any data size.
   */
  async findVisible(videoId: string, viewerId: string | null): Promise<VideoRecord | null> {
    const found = await this.videos
      .findOne({ _id: new Types.ObjectId(videoId) })
      .select(RECORD_PROJECTION)
      .lean<VideoRecord>()
      .exec();
    return found && isVisibleTo(found, viewerId) ? found : null;
  }

  /**
   * `GET /video`: one window of published videos, `_id` breaking ties in the sort's direction:
   * after a keyset position (cursor pages; the `{isPublished, <sort>, _id}` indexes, with
   * `owner` first for `userId`, start the scan there) or after a skip (numbered pages).
   */
  findPublishedPage(
    filter: PublishedVideoFilter,
    sortBy: VideoSortField,
    sortOrder: SortOrder,
    window: PageWindow,
  ): Promise<VideoRecord[]> {
    const direction = sortOrder === 'asc' ? 1 : -1;
    const query = publishedFilter(filter);
    const keyset = window.after === null ? null : keysetAfter(sortBy, direction, window.after);
    return this.videos
      .find(keyset === null ? query : { $and: [query, keyset] })
      .select(RECORD_PROJECTION)
      .sort({ [sortBy]: direction, _id: direction })
      .skip(window.skip)
      .limit(window.take)
      .lean<VideoRecord[]>()
      .exec();
  }

  countPublished(filter: PublishedVideoFilter): Promise<number> {
    return this.videos.countDocuments(publishedFilter(filter)).exec();
  }

  /** `GET /video/me`: a window of the owner's videos, published or not, newest first. */
  findOwnedPage(ownerId: string, window: PageWindow): Promise<VideoRecord[]> {
    const owner = { owner: new Types.ObjectId(ownerId) };
    return this.videos
      .find(
        window.after === null ? owner : { ...owner, ...keysetAfter('createdAt', -1, window.after) },
      )
      .select(RECORD_PROJECTION)
      .sort({ createdAt: -1, _id: -1 })
      .skip(window.skip)
      .limit(window.take)
      .lean<VideoRecord[]>()
      .exec();
  }

  countOwned(ownerId: string): Promise<number> {
    return this.videos.countDocuments({ owner: new Types.ObjectId(ownerId) }).exec();
  }

  /**
   * The watch history: which of these videos still exist and are published (the caller passes at
   * most a history's worth).
   */
  async findPublishedByIds(videoIds: string[]): Promise<VideoRecord[]> {
    return (await this.findByIds(videoIds)).filter((video) => video.isPublished);
  }

  /**
   * The watch page: one counted view. The video as it is right after, read in the same atomic
   * step (its owner's totals move by what this returns), or null when the video is gone.
   */
  incrementViews(videoId: string): Promise<VideoCountsRecord | null> {
    return this.incrementCounts(videoId, { views: 1 });
  }

  /** A like stored or removed: `likesCount` moves by `delta`, atomically; null when the video is gone. */
  incrementLikes(videoId: string, delta: number): Promise<VideoCountsRecord | null> {
    return this.incrementCounts(videoId, { likesCount: delta });
  }

  /** A comment added or removed. A video that is gone is a no-op. */
  incrementComments(videoId: string, delta: number): Promise<void> {
    return this.counters.increment(videoId, 'commentsCount', delta);
  }

  /** The maintained `likesCount` (0 for a video from before counters), or null when the video is gone. */
  async findLikesCount(videoId: string): Promise<number | null> {
    const found = await this.videos
      .findOne({ _id: new Types.ObjectId(videoId) })
      .select({ likesCount: 1 })
      .lean<Pick<VideoRecord, '_id' | 'likesCount'>>()
      .exec();
    return found ? (found.likesCount ?? 0) : null;
  }

  private incrementCounts(
    videoId: string,
    inc: Partial<Record<'views' | 'likesCount', number>>,
  ): Promise<VideoCountsRecord | null> {
    return this.videos
      .findOneAndUpdate(
        { _id: new Types.ObjectId(videoId) },
        { $inc: inc },
        { ...QUIET, returnDocument: 'after', projection: COUNTS_PROJECTION },
      )
      .lean<VideoCountsRecord>()
      .exec();
  }

  /**
   * `PATCH /video/:videoId`: the updated video, or null when it is gone or no longer the owner's.
   */
  updateOwned(
    videoId: string,
    ownerId: string,
    changes: Partial<Pick<Video, 'title' | 'description'>>,
  ): Promise<VideoRecord | null> {
    return this.videos
      .findOneAndUpdate(
        { _id: new Types.ObjectId(videoId), owner: new Types.ObjectId(ownerId) },
        { $set: changes },
        { returnDocument: 'after', projection: RECORD_PROJECTION },
      )
      .lean<VideoRecord>()
      .exec();
  }

  /**
   * The same write with `If-Match` (docs/api.md#caching): only while the video is still at
   * `version` (its `updatedAt` when the precondition was checked), in one atomic step; the new
   * `updatedAt` is later than `version` (`nextVersion`). Null when gone, not the owner's, or at
   * another version.
   */
  updateOwnedAtVersion(
    videoId: string,
    ownerId: string,
    changes: Partial<Pick<Video, 'title' | 'description'>>,
    version: Date,
  ): Promise<VideoRecord | null> {
    return this.videos
      .findOneAndUpdate(
        {
          _id: new Types.ObjectId(videoId),
          owner: new Types.ObjectId(ownerId),
          updatedAt: version,
        },
        { $set: { ...changes, updatedAt: nextVersion(version) } },
        { returnDocument: 'after', projection: RECORD_PROJECTION, timestamps: false },
      )
      .lean<VideoRecord>()
      .exec();
  }

  /**
   * Thumbnail replacement: points the video at a new thumbnail and returns the document as it was
   * before, in one atomic step, so two concurrent replacements each learn (and delete) exactly the
   * asset they displaced. `updatedAt` is set explicitly so the caller knows the stored value.
   */
  swapThumbnail(
    videoId: string,
    ownerId: string,
    thumbnail: StoredAsset,
    now: Date,
  ): Promise<VideoRecord | null> {
    return this.videos
      .findOneAndUpdate(
        { _id: new Types.ObjectId(videoId), owner: new Types.ObjectId(ownerId) },
        { $set: { thumbnail, updatedAt: now } },
        { returnDocument: 'before', projection: RECORD_PROJECTION, timestamps: false },
      )
      .lean<VideoRecord>()
      .exec();
  }

  /** The publish toggle: the current flag of the owner's video, or null when it is gone. */
  async findPublishState(videoId: string, ownerId: string): Promise<boolean | null> {
    const found = await this.videos
      .findOne({ _id: new Types.ObjectId(videoId), owner: new Types.ObjectId(ownerId) })
      .select({ isPublished: 1 })
      .lean<Pick<VideoRecord, '_id' | 'isPublished'>>()
      .exec();
    return found ? found.isPublished : null;
  }

  /**
   * Publish toggle, one compare-and-set: flips the flag only if it still has the value the
   * caller saw, and returns the video as it is right after (its views and likes move between
   * the owner's published and all-videos totals). Null when another request changed the flag
   * first (or the video is gone).
   */
  compareAndSetPublished(
    videoId: string,
    ownerId: string,
    expected: boolean,
  ): Promise<VideoPublishRecord | null> {
    return this.videos
      .findOneAndUpdate(
        {
          _id: new Types.ObjectId(videoId),
          owner: new Types.ObjectId(ownerId),
          isPublished: expected,
        },
        { $set: { isPublished: !expected } },
        { returnDocument: 'after', projection: PUBLISH_PROJECTION },
      )
      .lean<VideoPublishRecord>()
      .exec();
  }

  /** The video's owner, flag and `createdAt` by `_id` alone, or null when it is gone. */
  findRef(videoId: string): Promise<VideoRefRecord | null> {
    return this.videos
      .findOne({ _id: new Types.ObjectId(videoId) })
      .select(REF_PROJECTION)
      .lean<VideoRefRecord>()
      .exec();
  }

  /** The owner's newest published videos (`GET /video`'s own order), as references. */
  findNewestPublishedRefs(ownerId: string, limit: number): Promise<VideoRefRecord[]> {
    return this.videos
      .find({ owner: new Types.ObjectId(ownerId), isPublished: true })
      .select(REF_PROJECTION)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<VideoRefRecord[]>()
      .exec();
  }

  /**
   * Deleting the document: the deleted video's counts, or null when it was already gone (a
   * concurrent delete won).
   */
  deleteOwned(videoId: string, ownerId: string): Promise<VideoCountsRecord | null> {
    return this.videos
      .findOneAndDelete(
        { _id: new Types.ObjectId(videoId), owner: new Types.ObjectId(ownerId) },
        { projection: COUNTS_PROJECTION },
      )
      .lean<VideoCountsRecord>()
      .exec();
  }

  /**
   * A playlist's entries: the videos among `ids` that `viewerId` may see (published, or theirs).
   */
  async findVisibleByIds(ids: string[], viewerId: string | null): Promise<VideoRecord[]> {
    return (await this.findByIds(ids)).filter((video) => isVisibleTo(video, viewerId));
  }

  /** Playlist cards: only the thumbnail URL of each video among `ids` that `viewerId` may see. */
  async findVisibleThumbnails(
    ids: string[],
    viewerId: string | null,
  ): Promise<{ _id: Types.ObjectId; thumbnail: { url: string } }[]> {
    const found = await this.videos
      .find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } })
      .select({ 'thumbnail.url': 1, owner: 1, isPublished: 1 })
      .limit(ids.length)
      .lean<
        (Pick<VideoRecord, '_id' | 'owner' | 'isPublished'> & { thumbnail: { url: string } })[]
      >()
      .exec();
    return found
      .filter((video) => isVisibleTo(video, viewerId))
      .map((video) => ({ _id: video._id, thumbnail: video.thumbnail }));
  }

  /**
   * The videos among `ids` (distinct ObjectId strings), by `_id` alone; callers filter by
   * visibility in code, which keeps the query on the `_id` index on every engine.
   */
  private findByIds(ids: string[]): Promise<VideoRecord[]> {
    return this.videos
      .find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } })
      .select(RECORD_PROJECTION)
      .limit(ids.length)
      .lean<VideoRecord[]>()
      .exec();
  }

  /**
   * A processing run takes the video: while it waits (`queued`), or when the run that held it is
   * gone — `processing` with no `checkAt` (let go by a clean shutdown, or from before leases), or,
   * for a local run (`takeExpired`), a lease (`checkAt`) that has passed. The new `runId` makes
   * every write of an older run miss. `checkAt` is the new run's lease or first poll; `outputKey`
   * the folder it will write. Answers the video with the folder the previous run was writing
   * (to remove), or null when the video is gone or held by a live run.
   */
  async claimProcessing(
    videoId: string,
    runId: string,
    run: { checkAt: Date | null; outputKey?: string | null; takeExpired?: boolean },
  ): Promise<(ProcessingSourceRecord & { previousOutputKey: string | null }) | null> {
    const now = new Date();
    const gone: QueryFilter<Video>[] = [
      { 'processing.state': 'queued' },
      { 'processing.state': 'processing', 'processing.checkAt': null },
    ];
    if (run.takeExpired)
      gone.push({ 'processing.state': 'processing', 'processing.checkAt': { $lte: now } });
    const before = await this.videos
      .findOneAndUpdate(
        { _id: new Types.ObjectId(videoId), $or: gone },
        {
          $set: {
            'processing.state': 'processing',
            'processing.progress': 0,
            'processing.error': null,
            'processing.runId': runId,
            'processing.startedAt': now,
            'processing.checkAt': run.checkAt,
            'processing.outputKey': run.outputKey ?? null,
          },
        },
        {
          ...QUIET,
          returnDocument: 'before',
          projection: { owner: 1, videoFile: 1, duration: 1, 'processing.outputKey': 1 },
        },
      )
      .lean<ProcessingSourceRecord & { processing?: { outputKey?: string | null } }>()
      .exec();
    if (!before) return null;
    const { processing, ...source } = before;
    return { ...source, previousOutputKey: processing?.outputKey ?? null };
  }

  /**
   * A clean shutdown lets its run go (its folder already removed): the video stays `processing`
   * with no lease, for the next boot of any instance to take at once.
   */
  async releaseRun(videoId: string, runId: string): Promise<void> {
    await this.videos
      .updateOne(
        runFilter(videoId, runId),
        { $set: { 'processing.checkAt': null, 'processing.outputKey': null } },
        QUIET,
      )
      .exec();
  }

  /** The video while `runId` holds it, with its source file's key: null otherwise. */
  findProcessingRun(videoId: string, runId: string): Promise<ProcessingSourceRecord | null> {
    return this.videos
      .findOne(runFilter(videoId, runId))
      .select({ owner: 1, videoFile: 1, duration: 1 })
      .lean<ProcessingSourceRecord>()
      .exec();
  }

  /**
   * Runs due to be looked at (`checkAt` passed: a local lease expired, or a Cloudinary
   * derivative to poll), oldest due first, with what the check needs.
   */
  findDueChecks(now: Date, limit: number): Promise<DueRunRecord[]> {
    return this.videos
      .find({ 'processing.state': 'processing', 'processing.checkAt': { $lte: now } })
      .select({ owner: 1, videoFile: 1, duration: 1, processing: 1 })
      .sort({ 'processing.checkAt': 1 })
      .limit(limit)
      .lean<DueRunRecord[]>()
      .exec();
  }

  /**
   * Moves the run's `checkAt` to `next`: a local run renewing its lease, or, given the `seen`
   * value it read, one poller (of any instance) taking a due check in a compare-and-set. False
   * when the run no longer holds the video, or another poller took the check.
   */
  async moveCheckAt(videoId: string, runId: string, next: Date, seen?: Date): Promise<boolean> {
    const filter = runFilter(videoId, runId);
    if (seen !== undefined) filter['processing.checkAt'] = seen;
    const result = await this.videos
      .updateOne(filter, { $set: { 'processing.checkAt': next } }, QUIET)
      .exec();
    return result.matchedCount === 1;
  }

  /** The run's progress (0–99); ignored once the run no longer holds the video. */
  async setProcessingProgress(videoId: string, runId: string, progress: number): Promise<void> {
    await this.videos
      .updateOne(runFilter(videoId, runId), { $set: { 'processing.progress': progress } }, QUIET)
      .exec();
  }

  /** The run succeeded: `ready` with its renditions. False when the run lost the video (deleted). */
  async finishProcessing(
    videoId: string,
    runId: string,
    hls: StoredAsset | null,
  ): Promise<boolean> {
    const result = await this.videos
      .updateOne(
        runFilter(videoId, runId),
        {
          $set: {
            'processing.state': 'ready',
            'processing.progress': 100,
            'processing.error': null,
            'processing.runId': null,
            'processing.checkAt': null,
            'processing.outputKey': null,
            hls,
          },
        },
        QUIET,
      )
      .exec();
    return result.matchedCount === 1;
  }

  /** The run failed: `failed` with the owner's message. False when the run lost the video. */
  async failProcessing(videoId: string, runId: string, error: string): Promise<boolean> {
    const result = await this.videos
      .updateOne(
        runFilter(videoId, runId),
        {
          $set: {
            'processing.state': 'failed',
            'processing.error': error,
            'processing.runId': null,
            'processing.checkAt': null,
            'processing.outputKey': null,
          },
        },
        QUIET,
      )
      .exec();
    return result.matchedCount === 1;
  }

  /**
   * The owner's retry: a `failed` video goes to `next` (`queued`, or `ready` when nothing can
   * transcode it any more), in one compare-and-set. The video as it is after, or null when it is
   * gone, not the owner's, or not failed (a concurrent retry won).
   */
  retryFailedProcessing(
    videoId: string,
    ownerId: string,
    next: Extract<ProcessingState, 'queued' | 'ready'>,
  ): Promise<VideoRecord | null> {
    return this.videos
      .findOneAndUpdate(
        {
          _id: new Types.ObjectId(videoId),
          owner: new Types.ObjectId(ownerId),
          'processing.state': 'failed',
        },
        {
          $set: {
            'processing.state': next,
            'processing.progress': next === 'ready' ? 100 : 0,
            'processing.error': null,
          },
        },
        { ...QUIET, returnDocument: 'after', projection: RECORD_PROJECTION },
      )
      .lean<VideoRecord>()
      .exec();
  }

  /**
   * Boot: the next `limit` videos in `state` (by `_id`, after `afterId`): one state per query, so
   * the state is an equality and the index serves the sort.
   */
  async findInProcessingState(
    state: (typeof UNFINISHED_PROCESSING_STATES)[number],
    afterId: string | null,
    limit: number,
  ): Promise<string[]> {
    const query: QueryFilter<Video> = { 'processing.state': state };
    if (afterId !== null) query._id = { $gt: new Types.ObjectId(afterId) };
    const found = await this.videos
      .find(query)
      .select({ _id: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<Pick<VideoRecord, '_id'>[]>()
      .exec();
    return found.map((video) => video._id.toHexString());
  }

  /** Boot without a transcoder: what was waiting becomes `ready` with its MP4 alone. */
  async settleUnfinishedProcessing(videoIds: string[]): Promise<void> {
    await this.videos
      .updateMany(
        {
          _id: { $in: videoIds.map((id) => new Types.ObjectId(id)) },
          'processing.state': { $in: [...UNFINISHED_PROCESSING_STATES] },
        },
        {
          $set: {
            'processing.state': 'ready',
            'processing.progress': 100,
            'processing.error': null,
            'processing.runId': null,
          },
        },
        QUIET,
      )
      .exec();
  }

  /** Reconcile: the next `limit` videos after `afterId` in `_id` order, with their stored counters. */
  findCountersAfter(afterId: string | null, limit: number): Promise<VideoCountersRecord[]> {
    return this.counters.findAfter(afterId, limit);
  }

  /** Reconcile: the stored counters of these videos (those that exist). */
  findCountersByIds(videoIds: string[]): Promise<VideoCountersRecord[]> {
    return this.counters.findByIds(videoIds);
  }

  /**
   * Reconcile: each fix as a compare-and-set on the value read (a concurrent `$inc` wins, the
   * next run looks again); `updatedAt` stays.
   */
  applyCounterFixes(
    fixes: CounterFix<VideoCounterField>[],
  ): Promise<FixOutcome<VideoCounterField>> {
    return this.counters.applyFixes(fixes);
  }

  /**
   * Reconcile, the channel totals: per selected owner, the number, views and likes of all their
   * videos and of the published ones, summed from the videos' stored fields in one grouped query
   * (the owner indexes; a list or a range). Owners without videos are absent.
   */
  sumOwnerTotals(owners: IdSelection): Promise<OwnerTotalsRecord[]> {
    const views = { $ifNull: ['$views', 0] };
    const likes = { $ifNull: ['$likesCount', 0] };
    const ifPublished = (value: unknown): unknown => ({ $cond: ['$isPublished', value, 0] });
    return this.videos
      .aggregate<OwnerTotalsRecord>([
        { $match: { owner: selectionCondition(owners, (id) => new Types.ObjectId(id)) } },
        {
          $group: {
            _id: '$owner',
            videos: { $sum: 1 },
            views: { $sum: views },
            likes: { $sum: likes },
            publishedVideos: { $sum: ifPublished(1) },
            publishedViews: { $sum: ifPublished(views) },
            publishedLikes: { $sum: ifPublished(likes) },
          },
        },
      ])
      .exec();
  }
}

/** Processing writes are not edits of the video: `updatedAt` stays, like the counters. */
function runFilter(videoId: string, runId: string): QueryFilter<Video> {
  return {
    _id: new Types.ObjectId(videoId),
    'processing.state': 'processing',
    'processing.runId': runId,
  };
}

function publishedFilter(filter: PublishedVideoFilter): QueryFilter<Video> {
  const query: QueryFilter<Video> = { isPublished: true };
  if (filter.ownerId !== undefined) query.owner = new Types.ObjectId(filter.ownerId);
  if (filter.text !== undefined && filter.text !== '') {
    const pattern = containsLiteral(filter.text);
    query.$or = [{ title: pattern }, { description: pattern }];
  }
  return query;
}

/** Who sees a video: everybody when it is published, its owner always (docs/api.md, "Visibility"). */
function isVisibleTo(
  video: Pick<VideoRecord, 'owner' | 'isPublished'>,
  viewerId: string | null,
): boolean {
  return video.isPublished || (viewerId !== null && video.owner.toHexString() === viewerId);
}
