import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

/**
 * One video in one user's watch history (replaces the unbounded array on the user). At most one
 * entry per (user, video): re-watching moves the entry by updating `watchedAt`.
 */
@Schema({ timestamps: true, collection: 'watchhistories' })
export class WatchHistoryEntry {
  @Prop({ type: Types.ObjectId, required: true })
  user: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  video: Types.ObjectId;

  @Prop({ required: true })
  watchedAt: Date;

  createdAt: Date;
  updatedAt: Date;
}

export type WatchHistoryEntryDocument = HydratedDocument<WatchHistoryEntry>;
export type WatchHistoryEntryRecord = Pick<WatchHistoryEntry, 'video' | 'watchedAt'> & {
  _id: Types.ObjectId;
};

export const WatchHistoryEntrySchema = SchemaFactory.createForClass(WatchHistoryEntry);
// move-to-top upsert (GET /video/:videoId); no duplicate entries, even under concurrency
WatchHistoryEntrySchema.index({ user: 1, video: 1 }, { unique: true });
// GET /user/history (newest first), trimming to HISTORY_MAX_ENTRIES, DELETE /user/history
WatchHistoryEntrySchema.index({ user: 1, watchedAt: -1, _id: -1 });
// video-delete cascade
WatchHistoryEntrySchema.index({ video: 1 });
