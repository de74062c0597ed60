import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

/**
 * One viewer's last counted view of one video (view de-duplication on the watch page). The unique
 * index on `{video, viewerKey}` is what makes "count once per window" race-safe: see
 * `VideoViewsRepository.tryCountView`.
 */
@Schema({ timestamps: true, collection: 'videoviews' })
export class VideoView {
  @Prop({ type: Types.ObjectId, required: true })
  video: Types.ObjectId;

  /** `u:<userId>` or `a:<salted SHA-256 of IP and User-Agent>`; never the raw IP. */
  @Prop({ required: true })
  viewerKey: string;

  @Prop({ required: true })
  lastCountedAt: Date;

  createdAt: Date;
  updatedAt: Date;
}

export type VideoViewDocument = HydratedDocument<VideoView>;

/**
 * Built when the module is created, not at import time: the TTL is the configured window
 * (VIEW_DEDUP_WINDOW_HOURS). The TTL only purges markers that no longer matter; the window
 * itself is enforced by comparing `lastCountedAt`, so a slow (or absent, in the test engine)
 * purge never counts a view twice. Changing the window on an existing database needs a
 * `collMod` of this index (MongoDB refuses to redefine an index with other options).
 */
export function createVideoViewSchema(windowHours: number) {
  const schema = SchemaFactory.createForClass(VideoView);
  // race-safe view de-duplication; video-delete cascade (prefix)
  schema.index({ video: 1, viewerKey: 1 }, { unique: true });
  // purge of expired markers (cleanup only)
  schema.index({ lastCountedAt: 1 }, { expireAfterSeconds: Math.round(windowHours * 3600) });
  return schema;
}
