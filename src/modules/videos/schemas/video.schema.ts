import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

/** A stored media asset: the delivery URL clients see and the storage key they never see. */
@Schema({ _id: false })
export class StoredAsset {
  @Prop({ required: true })
  url: string;

  /** Cloudinary `public_id` or the local key; internal, never in a response. */
  @Prop({ required: true })
  key: string;
}
const StoredAssetSchema = SchemaFactory.createForClass(StoredAsset);

/** Processing after upload (docs/api.md#processing); `ready` is final until a retry. */
export const PROCESSING_STATES = ['queued', 'processing', 'ready', 'failed'] as const;
export type ProcessingState = (typeof PROCESSING_STATES)[number];
/** The states a boot picks up again: the process that ran them is gone. */
export const UNFINISHED_PROCESSING_STATES = [
  'queued',
  'processing',
] as const satisfies readonly ProcessingState[];

@Schema({ _id: false })
export class VideoProcessing {
  @Prop({ type: String, required: true, enum: PROCESSING_STATES })
  state: ProcessingState;

  /** 0–100, of the transcode; 100 once ready. */
  @Prop({ default: 0, min: 0, max: 100 })
  progress: number;

  /** Why it failed, for the owner; null otherwise. */
  @Prop({ type: String, default: null })
  error: string | null;

  /**
   * The run that holds the video while it is processed (internal): a write from any other run
   * (one cancelled, one from before a restart) matches nothing.
   */
  @Prop({ type: String, default: null })
  runId: string | null;

  /** When the current run took the video (internal): Cloudinary runs time out from it. */
  @Prop({ type: Date, default: null })
  startedAt: Date | null;

  /**
   * When the run is next looked at (internal). A local run holds a lease: it pushes `checkAt`
   * forward while ffmpeg runs, and once it has passed the run's process is presumed gone and any
   * instance may take the video over. A Cloudinary run: when its derivative is next polled. Null
   * when no run is under way, or a run was let go by a clean shutdown.
   */
  @Prop({ type: Date, default: null })
  checkAt: Date | null;

  /**
   * The rendition folder the current local run writes (internal), recorded before it is made:
   * the run that takes over from a dead one removes it.
   */
  @Prop({ type: String, default: null })
  outputKey: string | null;
}
const VideoProcessingSchema = SchemaFactory.createForClass(VideoProcessing);

@Schema({ timestamps: true, collection: 'videos' })
export class Video {
  @Prop({ type: Types.ObjectId, required: true })
  owner: Types.ObjectId;

  @Prop({ required: true, maxlength: 100 })
  title: string;

  @Prop({ default: '', maxlength: 500 })
  description: string;

  /** Seconds, possibly fractional. */
  @Prop({ required: true, min: 0 })
  duration: number;

  /** Changed only by `$inc` on the watch page, so concurrent views never overwrite each other. */
  @Prop({ default: 0, min: 0 })
  views: number;

  @Prop({ default: false })
  isPublished: boolean;

  /** Likes on this video, maintained by `$inc` on every like and unlike; repaired by the reconcile job. */
  @Prop({ default: 0 })
  likesCount: number;

  /** Comments on this video, maintained like `likesCount`. */
  @Prop({ default: 0 })
  commentsCount: number;

  /** Resource type `video`. */
  @Prop({ type: StoredAssetSchema, required: true })
  videoFile: StoredAsset;

  /** Resource type `image`. */
  @Prop({ type: StoredAssetSchema, required: true })
  thumbnail: StoredAsset;

  /** Absent on videos from before processing existed: those read as `ready`. */
  @Prop({ type: VideoProcessingSchema })
  processing?: VideoProcessing;

  /** HLS master playlist once processing is ready; `key` is the rendition folder. */
  @Prop({ type: StoredAssetSchema, default: null })
  hls?: StoredAsset | null;

  createdAt: Date;
  updatedAt: Date;
}

export type VideoDocument = HydratedDocument<Video>;

/** The video's maintained counters, for the reconcile job. */
export const VIDEO_COUNTER_FIELDS = [
  'likesCount',
  'commentsCount',
] as const satisfies readonly (keyof Video)[];
export type VideoCounterField = (typeof VIDEO_COUNTER_FIELDS)[number];

export const VideoSchema = SchemaFactory.createForClass(Video);
// GET /video, default sort (createdAt desc; asc by reverse scan)
VideoSchema.index({ isPublished: 1, createdAt: -1, _id: -1 });
// GET /video?sortBy=views
VideoSchema.index({ isPublished: 1, views: -1, _id: -1 });
// GET /video?sortBy=duration
VideoSchema.index({ isPublished: 1, duration: -1, _id: -1 });
// GET /video?sortBy=title (binary order = code point order, no collation)
VideoSchema.index({ isPublished: 1, title: 1, _id: 1 });
// GET /video?userId= (default sort); profile videosCount, totalViews, totalLikes
VideoSchema.index({ owner: 1, isPublished: 1, createdAt: -1, _id: -1 });
// GET /video?userId=&sortBy=views
VideoSchema.index({ owner: 1, isPublished: 1, views: -1, _id: -1 });
// GET /video?userId=&sortBy=duration
VideoSchema.index({ owner: 1, isPublished: 1, duration: -1, _id: -1 });
// GET /video?userId=&sortBy=title
VideoSchema.index({ owner: 1, isPublished: 1, title: 1, _id: 1 });
// GET /video/me (the caller's videos), dashboard totals
VideoSchema.index({ owner: 1, createdAt: -1, _id: -1 });
// Boot: the videos whose processing was queued or running when the last process stopped
VideoSchema.index({ 'processing.state': 1, _id: 1 });
// Runs due to be looked at: local leases that expired, Cloudinary derivatives to poll
VideoSchema.index({ 'processing.state': 1, 'processing.checkAt': 1 });
