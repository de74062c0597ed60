import type { Types } from 'mongoose';
import type {
  ProcessingState,
  StoredAsset,
  VideoProcessing,
} from 'src/modules/videos/schemas/video.schema';

/** A video as read from the database (lean). Storage keys are in it; mappers leave them out. */
export interface VideoRecord {
  _id: Types.ObjectId;
  owner: Types.ObjectId;
  title: string;
  description: string;
  duration: number;
  views: number;
  isPublished: boolean;
  /** Maintained counters; absent on documents written before they existed (read as 0). */
  likesCount?: number;
  commentsCount?: number;
  videoFile: StoredAsset;
  thumbnail: StoredAsset;
  /** Absent on videos from before processing existed (read as ready). */
  processing?: VideoProcessing;
  hls?: StoredAsset | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a processing run needs of the video it claimed. */
export type ProcessingSourceRecord = Pick<VideoRecord, '_id' | 'owner' | 'videoFile' | 'duration'>;

/** A run due to be looked at (a local lease passed, a Cloudinary derivative to poll). */
export interface DueRunRecord extends ProcessingSourceRecord {
  processing: { runId: string; startedAt: Date | null; checkAt: Date };
}

/** What a video adds to its owner's channel counters, read atomically with a change to the video. */
export interface VideoCountsRecord {
  _id: Types.ObjectId;
  owner: Types.ObjectId;
  isPublished: boolean;
  views: number;
  likesCount?: number;
}

/** A publish flip: the counts it moves, and the video's `createdAt` for the event it announces. */
export interface VideoPublishRecord extends VideoCountsRecord {
  createdAt: Date;
}

/** Just enough of a video to place it in a list by reference: owner, flag and sort key. */
export type VideoRefRecord = Pick<VideoRecord, '_id' | 'owner' | 'isPublished' | 'createdAt'>;

export interface NewVideo {
  owner: string;
  title: string;
  description: string;
  duration: number;
  isPublished: boolean;
  videoFile: StoredAsset;
  thumbnail: StoredAsset;
  /** `queued` when a transcode follows, `ready` when the MP4 is all there will be. */
  processingState: Extract<ProcessingState, 'queued' | 'ready'>;
}

export type VideoSortField = 'createdAt' | 'views' | 'duration' | 'title';
export type SortOrder = 'asc' | 'desc';

/** `GET /video`: published videos, optionally of one owner and matching a literal text. */
export interface PublishedVideoFilter {
  ownerId?: string;
  text?: string;
}

/** Reconcile: a video's stored counters as read (either may be absent or null on old documents). */
export interface VideoCountersRecord {
  _id: Types.ObjectId;
  owner: Types.ObjectId;
  likesCount?: number | null;
  commentsCount?: number | null;
}

/** Reconcile: one owner's catalogue, summed from the videos' stored fields. */
export interface OwnerTotalsRecord {
  _id: Types.ObjectId;
  videos: number;
  views: number;
  likes: number;
  publishedVideos: number;
  publishedViews: number;
  publishedLikes: number;
}
