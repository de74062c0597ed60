import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

/**
 * One video in one user's following feed, written when the video was published (fan-out to its
 * owner's followers) or when the user followed its owner (backfill). At most one entry per
 * (user, video). `videoCreatedAt` is the video's own `createdAt`: the feed sorts as every video
 * list does (newest first, the video id breaking ties), so an entry lands where the video
 * belongs however late it was written, and the video id is the cursor's tie-breaker.
 */
@Schema({
  timestamps: { createdAt: true, updatedAt: false },
  versionKey: false,
  collection: 'timelineentries',
})
export class TimelineEntry {
  /** Whose feed. */
  @Prop({ type: Types.ObjectId, required: true })
  user: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  video: Types.ObjectId;

  /** The video's owner, so that an unfollow removes that owner's entries from the user's feed. */
  @Prop({ type: Types.ObjectId, required: true })
  owner: Types.ObjectId;

  @Prop({ required: true })
  videoCreatedAt: Date;

  /** When the entry was written: its `createdAt` minus the video's publish time is the fan-out delay. */
  createdAt: Date;
}

export type TimelineEntryDocument = HydratedDocument<TimelineEntry>;

export const TimelineEntrySchema = SchemaFactory.createForClass(TimelineEntry);
// one entry per (user, video), however often fan-out and backfill meet; unpublish/delete
// removal by video (prefix)
TimelineEntrySchema.index({ video: 1, user: 1 }, { unique: true });
// the feed page (newest first, keyset), the trim, the size recount
TimelineEntrySchema.index({ user: 1, videoCreatedAt: -1, video: -1 });
// unfollow removal: the user's entries of one owner
TimelineEntrySchema.index({ user: 1, owner: 1 });
