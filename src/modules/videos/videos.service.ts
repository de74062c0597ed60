import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { ClientContext } from 'src/common/decorators/client-context.decorator';
import { ApiResult } from 'src/common/decorators/response-message.decorator';
import { type Paginated, paginate } from 'src/common/dto/paginated.util';
import type { PaginationQueryDto } from 'src/common/dto/pagination-query.dto';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { isDatabaseUnavailable } from 'src/common/errors/error-mapping.util';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import { UsersService } from 'src/modules/users/users.service';
import type { ListVideosQueryDto } from 'src/modules/videos/dto/list-videos-query.dto';
import type { UpdateVideoDto } from 'src/modules/videos/dto/update-video.dto';
import type { UploadVideoDto } from 'src/modules/videos/dto/upload-video.dto';
import type {
  DeletedVideoResponse,
  PublishStatusResponse,
  VideoCardResponse,
  VideoDetailResponse,
} from 'src/modules/videos/dto/video.response';
import { VideoDeletedEvent } from 'src/modules/videos/events/video-deleted.event';
import { OwnerFollowStatsPort } from 'src/modules/videos/ports/owner-follow-stats.port';
import { VideoLikesPort } from 'src/modules/videos/ports/video-likes.port';
import { WatchHistoryPort } from 'src/modules/videos/ports/watch-history.port';
import { type VerifiedUpload, VideoMediaService } from 'src/modules/videos/video-media.service';
import type { VideoRecord } from 'src/modules/videos/video-records.type';
import { VideoViewsRepository } from 'src/modules/videos/video-views.repository';
import { anonymousViewerKey, userViewerKey } from 'src/modules/videos/viewer-key.util';
import { VideosErrors } from 'src/modules/videos/videos.errors';
import {
  toDeletedVideo,
  toPublishStatus,
  toVideoCard,
  toVideoDetail,
} from 'src/modules/videos/videos.mapper';
import { VideosRepository } from 'src/modules/videos/videos.repository';

/** How V4 was requested: HEAD has no side effects; the client identifies anonymous viewers. */
export interface ViewRequestInfo {
  isHead: boolean;
  client: ClientContext;
}

/**
 * A toggle only retries after another toggle won its compare-and-set, so this bounds the
 * number of concurrent toggles one request can lose to, not a wait.
 */
const MAX_TOGGLE_ATTEMPTS = 100;

/**
 * Videos (contract §4). Every read of a single video carries the visibility rule in its query
 * (published, or the caller's own), so missing and invisible are the same 404; ownership (403)
 * is checked after that; storage and writes come last (§1.1).
 */
@Injectable()
export class VideosService {
  private readonly logger = new Logger(VideosService.name);

  constructor(
    private readonly videos: VideosRepository,
    private readonly views: VideoViewsRepository,
    private readonly media: VideoMediaService,
    private readonly users: UsersService,
    private readonly history: WatchHistoryPort,
    private readonly events: EventEmitter2,
    @InjectConfig() private readonly config: AppConfig,
    // Bound by the likes module once it exists. Until then no like can exist, so 0 / false is
    // the true answer, not a placeholder.
    @Optional() @Inject(VideoLikesPort) private readonly likes: VideoLikesPort | null = null,
    // Bound by the follows module once it exists; same reasoning: nobody follows anybody yet.
    @Optional()
    @Inject(OwnerFollowStatsPort)
    private readonly follows: OwnerFollowStatsPort | null = null,
  ) {}

  /** V1: published videos only, even the caller's own (their full list is V3). */
  async list(
    query: ListVideosQueryDto,
    viewerId: string | null,
  ): Promise<Paginated<VideoCardResponse>> {
    const { page, limit } = query;
    // An unknown or pending owner has no visible catalogue (§1.11).
    if (query.userId !== undefined && !(await this.users.isVerified(query.userId))) {
      return paginate([], 0, page, limit);
    }
    const filter = { ownerId: query.userId, text: query.query };
    const [records, total] = await Promise.all([
      this.videos.findPublishedPage(
        filter,
        query.sortBy,
        query.sortOrder,
        (page - 1) * limit,
        limit,
      ),
      this.videos.countPublished(filter),
    ]);
    return paginate(await this.toCards(records, viewerId), total, page, limit);
  }

  /** V3: all of the caller's videos, newest first. */
  async listMine(userId: string, query: PaginationQueryDto): Promise<Paginated<VideoCardResponse>> {
    const { page, limit } = query;
    const [records, total] = await Promise.all([
      this.videos.findOwnedPage(userId, (page - 1) * limit, limit),
      this.videos.countOwned(userId),
    ]);
    return paginate(await this.toCards(records, userId), total, page, limit);
  }

  /** V2: store both files, take the duration, create the video; any failure after storing rolls back. */
  async upload(
    ownerId: string,
    body: UploadVideoDto,
    files: { video: VerifiedUpload; thumbnail: VerifiedUpload },
  ): Promise<VideoCardResponse> {
    const owner = (await this.users.findOwnerLites([ownerId])).get(ownerId);
    // The guard saw a verified account a moment ago; it has vanished since.
    if (!owner) throw new AppException(ErrorCode.UNAUTHORIZED);

    const media = await this.media.storeNewVideo(files.video, files.thumbnail);
    let created: VideoRecord;
    try {
      created = await this.videos.create({
        owner: ownerId,
        title: body.title,
        description: body.description ?? '',
        duration: media.duration,
        isPublished: body.isPublished ?? false,
        videoFile: media.videoFile,
        thumbnail: media.thumbnail,
      });
    } catch (error) {
      await this.media.rollback(media.stored);
      throw error;
    }
    return toVideoCard(created, { owner, likesCount: 0, isLiked: false });
  }

  /**
   * V4: 404 before any side effect; then the view (never the owner's, never on HEAD), then the
   * caller's history (owner included, never on HEAD). The video, its owner, its like figures
   * and the owner's follow figures come from one aggregation: each module joins its own figure.
   */
  async getDetail(
    videoId: string,
    viewerId: string | null,
    request: ViewRequestInfo,
  ): Promise<VideoDetailResponse> {
    const ownerJoin = this.users.ownerJoin('owner', 'joinedOwner');
    const likesJoin = this.likes?.figuresJoin(videoId, viewerId, 'joinedLikes') ?? null;
    const followsJoin = this.follows?.ownerFiguresJoin(viewerId, 'joinedFollows') ?? null;
    const joined = await this.videos.findVisibleJoined(
      videoId,
      viewerId,
      [ownerJoin, likesJoin, followsJoin].flatMap((join) => (join ? [join.stage] : [])),
    );
    const owner = joined ? ownerJoin.read(joined) : null;
    if (!joined || !owner) throw VideosErrors.notFound();
    const id = joined._id.toHexString();
    const isOwner = viewerId === owner._id;

    let views = joined.views;
    if (!request.isHead) {
      const now = new Date();
      if (!isOwner && (await this.countView(id, viewerId, request.client, now))) {
        // The returned count includes this view; null means the video was deleted meanwhile.
        views = (await this.videos.incrementViews(id)) ?? throwNotFound();
      }
      if (viewerId !== null) await this.history.recordWatch(viewerId, id, now);
    }

    const likes = likesJoin?.read(joined) ?? { likesCount: 0, isLiked: false };
    const follows = followsJoin?.read(joined) ?? { followersCount: 0, isFollowed: false };
    return toVideoDetail(
      { ...joined, views },
      {
        owner: {
          ...owner,
          followersCount: follows.followersCount,
          isFollowed: !isOwner && follows.isFollowed,
        },
        ...likes,
      },
    );
  }

  /** V5: only the given fields change; an empty body returns the video as it is. */
  async update(videoId: string, userId: string, body: UpdateVideoDto): Promise<VideoCardResponse> {
    const video = await this.findOwnedOr403(videoId, userId, VideosErrors.notOwnerUpdate);
    const changes: { title?: string; description?: string } = {};
    if (body.title !== undefined) changes.title = body.title;
    if (body.description !== undefined) changes.description = body.description;
    const updated =
      Object.keys(changes).length === 0
        ? video
        : ((await this.videos.updateOwned(video._id.toHexString(), userId, changes)) ??
          throwNotFound());
    return this.toCard(updated, userId);
  }

  /**
   * V6: the document goes first, so from then on every write that targets the video gets 404
   * and every read through it misses; then each dependent, each step idempotent and on its own:
   * a failed step is logged with the ids and leaves the response alone (§14 I-5).
   */
  async remove(videoId: string, userId: string): Promise<DeletedVideoResponse> {
    const video = await this.findOwnedOr403(videoId, userId, VideosErrors.notOwnerDelete);
    const id = video._id.toHexString();
    let deleted: boolean;
    try {
      deleted = await this.videos.deleteOwned(id, userId);
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      this.logger.error(
        `Deleting video ${id} failed`,
        error instanceof Error ? error.stack : String(error),
      );
      throw VideosErrors.deleteFailed();
    }
    // A concurrent delete of the same video won; it also runs the clean-up.
    if (!deleted) throw VideosErrors.notFound();

    await this.cleanUpAfterDelete(video);
    return toDeletedVideo(id);
  }

  /** V7: store the new image, save it, then delete the image it displaced. */
  async replaceThumbnail(
    videoId: string,
    userId: string,
    thumbnail: VerifiedUpload,
  ): Promise<VideoCardResponse> {
    const video = await this.findOwnedOr403(videoId, userId, VideosErrors.notOwnerUpdate);
    const id = video._id.toHexString();
    const stored = await this.media.storeThumbnail(thumbnail);
    const now = new Date();
    let before: VideoRecord | null;
    try {
      before = await this.videos.swapThumbnail(
        id,
        userId,
        { url: stored.url, key: stored.key },
        now,
      );
    } catch (error) {
      await this.media.rollback([stored]);
      throw error;
    }
    if (!before) {
      await this.media.rollback([stored]);
      throw VideosErrors.notFound();
    }
    // The video already shows the new image; a failure here only leaves an orphan, which is logged.
    await this.media.deleteQuietly(
      before.thumbnail.key,
      'image',
      `replaced thumbnail of video ${id}`,
    );
    return this.toCard(
      { ...before, thumbnail: { url: stored.url, key: stored.key }, updatedAt: now },
      userId,
    );
  }

  /**
   * V8. With a value: set it. Without: flip it by compare-and-set on the value last seen, so
   * every toggle flips exactly once however many run at the same time (a read-modify-write
   * would let two of them write the same value).
   */
  async setPublishStatus(
    videoId: string,
    userId: string,
    value: boolean | undefined,
  ): Promise<ApiResult<PublishStatusResponse>> {
    const video = await this.findOwnedOr403(videoId, userId, VideosErrors.notOwnerUpdate);
    const id = video._id.toHexString();
    let state: boolean;
    if (value !== undefined) {
      if (!(await this.videos.setPublished(id, userId, value))) throw VideosErrors.notFound();
      state = value;
    } else {
      state = await this.toggle(id, userId, video.isPublished);
    }
    return new ApiResult(
      state ? 'Video is now published' : 'Video is now unpublished',
      toPublishStatus(id, state),
    );
  }

  /**
   * U7: the published videos among `orderedIds` (a watch history, newest first), as cards for one
   * page, and how many there are in all. One query for the videos, then the page's owners and
   * likes: a constant number of queries whatever the page size.
   */
  async publishedCardsInOrder(
    orderedIds: string[],
    skip: number,
    limit: number,
    viewerId: string,
  ): Promise<{ totalDocs: number; cards: VideoCardResponse[] }> {
    if (orderedIds.length === 0) return { totalDocs: 0, cards: [] };
    const records = await this.videos.findPublishedByIds(orderedIds);
    const byId = new Map(records.map((record) => [record._id.toHexString(), record]));
    const visible = orderedIds.flatMap((id) => {
      const record = byId.get(id);
      return record ? [record] : [];
    });
    return {
      totalDocs: visible.length,
      cards: await this.toCards(visible.slice(skip, skip + limit), viewerId),
    };
  }

  private async toggle(id: string, userId: string, seen: boolean): Promise<boolean> {
    let expected = seen;
    for (let attempt = 0; attempt < MAX_TOGGLE_ATTEMPTS; attempt++) {
      if (await this.videos.compareAndSetPublished(id, userId, expected)) return !expected;
      // Another toggle won: look again and flip what is there now.
      const current = await this.videos.findPublishState(id, userId);
      if (current === null) throw VideosErrors.notFound();
      expected = current;
    }
    throw VideosErrors.publishContention();
  }

  /** V4 step 2: the dedup decision, keyed by the user or by a salted hash of IP and User-Agent. */
  private countView(
    videoId: string,
    viewerId: string | null,
    client: ClientContext,
    now: Date,
  ): Promise<boolean> {
    const viewerKey =
      viewerId !== null
        ? userViewerKey(viewerId)
        : anonymousViewerKey(this.config.views.hashSalt, client.ip, client.userAgent);
    const windowStart = new Date(now.getTime() - this.config.views.dedupWindowHours * 3_600_000);
    return this.views.tryCountView(videoId, viewerKey, now, windowStart);
  }

  private async cleanUpAfterDelete(video: VideoRecord): Promise<void> {
    const id = video._id.toHexString();
    const ownerId = video.owner.toHexString();
    const step = async (name: string, action: () => Promise<unknown>): Promise<void> => {
      try {
        await action();
      } catch (error) {
        this.logger.error(
          `Clean-up step "${name}" failed after deleting video ${id} (owner ${ownerId})`,
          error instanceof Error ? error.stack : String(error),
        );
      }
    };
    await step('view markers', () => this.views.deleteForVideo(id));
    await step('video file', () => this.deleteAsset(video.videoFile.key, 'video', id));
    await step('thumbnail', () => this.deleteAsset(video.thumbnail.key, 'image', id));
    // Watch history, and later likes, comments and playlists, remove their own dependents.
    await step('video.deleted event', () =>
      this.events.emitAsync(
        VideoDeletedEvent.eventName,
        new VideoDeletedEvent(id, ownerId, new Date()),
      ),
    );
  }

  private async deleteAsset(
    key: string,
    resourceType: 'video' | 'image',
    videoId: string,
  ): Promise<void> {
    if (!(await this.media.deleteQuietly(key, resourceType, `deleted video ${videoId}`))) {
      throw new Error(`${resourceType} ${key} is still stored`);
    }
  }

  private async findVisibleOr404(videoId: string, viewerId: string | null): Promise<VideoRecord> {
    return (await this.videos.findVisible(videoId, viewerId)) ?? throwNotFound();
  }

  /** Mutations (§1.11): missing or invisible → 404, visible but someone else's → 403. */
  private async findOwnedOr403(
    videoId: string,
    userId: string,
    forbidden: () => AppException,
  ): Promise<VideoRecord> {
    const video = await this.findVisibleOr404(videoId, userId);
    if (video.owner.toHexString() !== userId) throw forbidden();
    return video;
  }

  private async toCard(record: VideoRecord, viewerId: string | null): Promise<VideoCardResponse> {
    return (await this.toCards([record], viewerId))[0] ?? throwNotFound();
  }

  /** Cards for a page: owners in one query, like counts and the caller's likes in one grouped query. */
  private async toCards(
    records: VideoRecord[],
    viewerId: string | null,
  ): Promise<VideoCardResponse[]> {
    if (records.length === 0) return [];
    const ids = records.map((record) => record._id.toHexString());
    const [owners, likes] = await Promise.all([
      this.users.findOwnerLites(records.map((record) => record.owner.toHexString())),
      this.likeFigures(ids, viewerId),
    ]);
    return records.flatMap((record) => {
      const id = record._id.toHexString();
      const owner: OwnerLiteResponse | undefined = owners.get(record.owner.toHexString());
      if (!owner) {
        // Owners are verified by construction (only signed-in, verified users upload and
        // accounts never become pending again); a video without a visible owner stays hidden.
        this.logger.warn(`Video ${id} has no visible owner; left out of the list`);
        return [];
      }
      return [toVideoCard(record, { owner, ...figuresOf(likes, id) })];
    });
  }

  private likeFigures(videoIds: string[], viewerId: string | null): Promise<LikeFiguresById> {
    return this.likes && videoIds.length > 0
      ? this.likes.figuresFor(videoIds, viewerId)
      : Promise.resolve<LikeFiguresById>(new Map());
  }

  /** PL8: whether the video exists and `viewerId` may see it (published, or theirs). */
  async isVisibleTo(videoId: string, viewerId: string): Promise<boolean> {
    return (await this.videos.findVisible(videoId, viewerId)) !== null;
  }

  /**
   * Playlist cards and summaries (PL1–PL4, PL6–PL9): the thumbnail URL of each video among
   * `videoIds` that exists and `viewerId` may see, for a whole page of playlists in one query.
   * Ids missing from the map are deleted or hidden videos, which playlists neither list nor count.
   */
  async visibleThumbnails(
    videoIds: string[],
    viewerId: string | null,
  ): Promise<Map<string, string>> {
    if (videoIds.length === 0) return new Map();
    const found = await this.videos.findVisibleThumbnails(videoIds, viewerId);
    return new Map(found.map((video) => [video._id.toHexString(), video.thumbnail.url]));
  }

  /**
   * PL5: the videos among `orderedIds` (a playlist, earliest addition first) that `viewerId` may
   * see, as cards in that order. The playlist owner's OwnerLite comes from the same users query
   * as the cards' owners, so a playlist detail costs the videos, one users query and the likes,
   * whatever its length.
   */
  async playlistCards(
    orderedIds: string[],
    viewerId: string | null,
    playlistOwnerId: string,
  ): Promise<{ cards: VideoCardResponse[]; playlistOwner: OwnerLiteResponse | null }> {
    const records =
      orderedIds.length === 0 ? [] : await this.videos.findVisibleByIds(orderedIds, viewerId);
    const byId = new Map(records.map((record) => [record._id.toHexString(), record]));
    const inOrder = orderedIds.flatMap((id) => byId.get(id) ?? []);
    const ids = inOrder.map((record) => record._id.toHexString());
    const [owners, likes] = await Promise.all([
      this.users.findOwnerLites([
        playlistOwnerId,
        ...inOrder.map((record) => record.owner.toHexString()),
      ]),
      this.likeFigures(ids, viewerId),
    ]);
    const cards = inOrder.flatMap((record) => {
      const id = record._id.toHexString();
      const owner = owners.get(record.owner.toHexString());
      // As in toCards: a video without a visible owner stays hidden.
      return owner ? [toVideoCard(record, { owner, ...figuresOf(likes, id) })] : [];
    });
    return { cards, playlistOwner: owners.get(playlistOwnerId.toLowerCase()) ?? null };
  }

  /**
   * Profile (U9: published only) and dashboard (D1: all) totals: the owner's video ids and the sum
   * of their views, from one query over the owner's index. The cost grows with that owner's
   * catalogue only; the ids let the caller count likes with one `target $in ids` query.
   */
  async ownerCatalogue(
    ownerId: string,
    publishedOnly: boolean,
  ): Promise<{ videoIds: string[]; totalViews: number }> {
    const videos = await this.videos.findOwnerViewCounts(ownerId, publishedOnly);
    return {
      videoIds: videos.map((video) => video._id.toHexString()),
      totalViews: videos.reduce((sum, video) => sum + video.views, 0),
    };
  }

  /**
   * Likes (L1) and comments (C1, C2, C5, C6): the owner id of the video if it exists and
   * `viewerId` may see it (published, or theirs), else null; missing and hidden are the same
   * answer (§1.11). The owner id lets C6 allow the video's creator to delete comments.
   */
  async findVisibleOwnerId(videoId: string, viewerId: string | null): Promise<string | null> {
    const video = await this.videos.findVisible(videoId, viewerId);
    return video ? video.owner.toHexString() : null;
  }

  /**
   * L4: the videos among `likedIds` (the caller's liked videos, newest like first) that still
   * exist and the caller may see, as the cards of one page in that order. One query for the
   * videos, then the page's owners and like counts. `isLiked` is true by construction (these are
   * the caller's likes), so the caller's likes are not read a second time: cards are built as
   * for an anonymous viewer, which skips that query, and the flag is set afterwards.
   */
  async likedVideoCards(
    likedIds: string[],
    skip: number,
    limit: number,
    userId: string,
  ): Promise<VideoCardResponse[]> {
    if (likedIds.length === 0) return [];
    const records = await this.videos.findVisibleByIds(likedIds, userId);
    const byId = new Map(records.map((record) => [record._id.toHexString(), record]));
    const page = likedIds.flatMap((id) => byId.get(id) ?? []).slice(skip, skip + limit);
    const cards = await this.toCards(page, null);
    return cards.map((card) => ({ ...card, isLiked: true }));
  }
}

function throwNotFound(): never {
  throw VideosErrors.notFound();
}

type LikeFiguresById = Map<string, { likesCount: number; isLiked: boolean }>;

/** A video's like figures; absent ids have no likes (and anonymous viewers like nothing). */
function figuresOf(likes: LikeFiguresById, id: string): { likesCount: number; isLiked: boolean } {
  return likes.get(id) ?? { likesCount: 0, isLiked: false };
}
