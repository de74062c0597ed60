import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { isDuplicateKey } from 'src/common/errors/error-mapping.util';
import {
  WatchHistoryEntry,
  type WatchHistoryEntryRecord,
} from 'src/modules/watch-history/schemas/watch-history.schema';

const NEWEST_FIRST = { watchedAt: -1, _id: -1 } as const;

@Injectable()
export class WatchHistoryRepository {
  constructor(
    @InjectModel(WatchHistoryEntry.name) private readonly entries: Model<WatchHistoryEntry>,
  ) {}

  /**
   * The watch page: puts the video at the top of the user's history, creating the entry or moving
   * it. Two concurrent first watches race on the unique {user, video} index; the loser's insert
   * fails with a duplicate key, and retrying turns it into the move it should have been. True when
   * this call added an entry (the history grew), false when it moved one.
   */
  async upsertWatch(userId: string, videoId: string, watchedAt: Date): Promise<boolean> {
    const filter = { user: new Types.ObjectId(userId), video: new Types.ObjectId(videoId) };
    const update = { $set: { watchedAt } };
    try {
      const result = await this.entries.updateOne(filter, update, { upsert: true }).exec();
      return result.upsertedCount === 1;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      await this.entries.updateOne(filter, update).exec();
      return false;
    }
  }

  /**
   * Keeps the user's `max` newest entries: one query finds the first entry past the limit, one
   * removes it and everything older (in the list's own order, `_id` breaking ties).
   */
  async trimTo(userId: string, max: number): Promise<void> {
    const user = new Types.ObjectId(userId);
    const boundary = await this.entries
      .findOne({ user })
      .sort(NEWEST_FIRST)
      .skip(max)
      .select({ watchedAt: 1 })
      .lean<Pick<WatchHistoryEntryRecord, '_id' | 'watchedAt'>>()
      .exec();
    if (!boundary) return;
    await this.entries
      .deleteMany({
        user,
        $or: [
          { watchedAt: { $lt: boundary.watchedAt } },
          { watchedAt: boundary.watchedAt, _id: { $lte: boundary._id } },
        ],
      })
      .exec();
  }

  /** `GET /user/history`: the user's newest entries (bounded by the history size), newest first. */
  findNewest(userId: string, limit: number): Promise<WatchHistoryEntryRecord[]> {
    return this.entries
      .find({ user: new Types.ObjectId(userId) })
      .sort(NEWEST_FIRST)
      .limit(limit)
      .select({ video: 1, watchedAt: 1 })
      .lean<WatchHistoryEntryRecord[]>()
      .exec();
  }

  /** `DELETE /user/history`. */
  async deleteForUser(userId: string): Promise<void> {
    await this.entries.deleteMany({ user: new Types.ObjectId(userId) }).exec();
  }

  /** Video-delete cascade (idempotent). */
  async deleteForVideo(videoId: string): Promise<void> {
    await this.entries.deleteMany({ video: new Types.ObjectId(videoId) }).exec();
  }
}
