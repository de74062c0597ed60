import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, type QueryFilter, Types } from 'mongoose';
import { duplicateIndexes } from 'src/common/database/bulk-write.util';
import { TimelineEntry } from 'src/modules/timelines/schemas/timeline-entry.schema';
import { Timeline } from 'src/modules/timelines/schemas/timeline.schema';
import type {
  NewTimelineEntry,
  TimelineEntryRecord,
  TimelineKey,
} from 'src/modules/timelines/timeline-records.type';

/** The feed's order: newest video first, the video id breaking ties (as `GET /video` sorts). */
const NEWEST_FIRST = { videoCreatedAt: -1, video: -1 } as const;
const PAGE_PROJECTION = { video: 1, owner: 1, videoCreatedAt: 1 } as const;

@Injectable()
export class TimelinesRepository {
  constructor(
    @InjectModel(TimelineEntry.name) private readonly entries: Model<TimelineEntry>,
    @InjectModel(Timeline.name) private readonly timelines: Model<Timeline>,
  ) {}

  /**
   * Writes the entries in one unordered bulk insert; an entry that exists already (the unique
   * {video, user}) is skipped, not an error, so fan-out, backfill and their retries can meet.
   * Returns the entries this call inserted.
   */
  async insertNew(entries: NewTimelineEntry[]): Promise<NewTimelineEntry[]> {
    if (entries.length === 0) return [];
    const operations = entries.map((entry) => ({
      insertOne: {
        document: {
          user: oid(entry.userId),
          video: oid(entry.videoId),
          owner: oid(entry.ownerId),
          videoCreatedAt: entry.videoCreatedAt,
        },
      },
    }));
    try {
      await this.entries.bulkWrite(operations, { ordered: false });
      return entries;
    } catch (error) {
      const failed = duplicateIndexes(error);
      if (failed === null) throw error;
      return entries.filter((_, index) => !failed.has(index));
    }
  }

  /** Moves the sizes of several timelines, one upsert each, in one round trip. */
  async addToSizes(deltas: Map<string, number>): Promise<void> {
    if (deltas.size === 0) return;
    await this.timelines.bulkWrite(
      [...deltas].map(([userId, delta]) => ({
        updateOne: {
          filter: { _id: oid(userId) },
          update: { $inc: { entries: delta } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  /** Which of these users' timelines hold more than `max` entries by their stored size. */
  async findOversized(userIds: string[], max: number): Promise<string[]> {
    if (userIds.length === 0) return [];
    const found = await this.timelines
      .find({ _id: { $in: userIds.map(oid) }, entries: { $gt: max } })
      .select({ _id: 1 })
      .limit(userIds.length)
      .lean<{ _id: Types.ObjectId }[]>()
      .exec();
    return found.map((timeline) => timeline._id.toHexString());
  }

  /** The real size of a timeline (bounded: it is trimmed), for the trim's recount. */
  countEntries(userId: string): Promise<number> {
    return this.entries.countDocuments({ user: oid(userId) }).exec();
  }

  async setSize(userId: string, entries: number): Promise<void> {
    await this.timelines
      .updateOne({ _id: oid(userId) }, { $set: { entries } }, { upsert: true })
      .exec();
  }

  /**
   * Keeps the user's `keep` newest entries: one query finds the first entry past them, one
   * removes it and everything older. Returns how many were removed.
   */
  async trimTo(userId: string, keep: number): Promise<number> {
    const user = oid(userId);
    const boundary = await this.entries
      .findOne({ user })
      .sort(NEWEST_FIRST)
      .skip(keep)
      .select({ video: 1, videoCreatedAt: 1 })
      .lean<Pick<TimelineEntryRecord, '_id' | 'video' | 'videoCreatedAt'>>()
      .exec();
    if (!boundary) return 0;
    const result = await this.entries
      .deleteMany({
        user,
        $or: [
          { videoCreatedAt: { $lt: boundary.videoCreatedAt } },
          { videoCreatedAt: boundary.videoCreatedAt, video: { $lte: boundary.video } },
        ],
      })
      .exec();
    return result.deletedCount;
  }

  /** `GET /feed/videos`: one page of the user's timeline after `after` (keyset), newest first. */
  async findPage(
    userId: string,
    after: TimelineKey | null,
    limit: number,
  ): Promise<{ records: TimelineEntryRecord[]; hasMore: boolean }> {
    const user = oid(userId);
    const filter: QueryFilter<TimelineEntry> =
      after === null
        ? { user }
        : {
            user,
            $or: [
              { videoCreatedAt: { $lt: after.videoCreatedAt } },
              { videoCreatedAt: after.videoCreatedAt, video: { $lt: oid(after.videoId) } },
            ],
          };
    const found = await this.entries
      .find(filter)
      .select(PAGE_PROJECTION)
      .sort(NEWEST_FIRST)
      .limit(limit + 1)
      .lean<TimelineEntryRecord[]>()
      .exec();
    return { records: found.slice(0, limit), hasMore: found.length > limit };
  }

  /** Unpublish or delete of a video: its entries in every timeline. */
  async deleteForVideo(videoId: string): Promise<number> {
    const result = await this.entries.deleteMany({ video: oid(videoId) }).exec();
    return result.deletedCount;
  }

  /** Unfollow: the owner's entries in the user's timeline. */
  async deleteForOwner(userId: string, ownerId: string): Promise<number> {
    const result = await this.entries.deleteMany({ user: oid(userId), owner: oid(ownerId) }).exec();
    return result.deletedCount;
  }
}

function oid(id: string): Types.ObjectId {
  return new Types.ObjectId(id);
}
