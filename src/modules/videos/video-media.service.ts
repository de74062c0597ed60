import { open } from 'node:fs/promises';
import { Injectable, Logger } from '@nestjs/common';
import { describeError } from 'src/common/errors/describe-error.util';
import { detectFileType, SIGNATURE_BYTES } from 'src/common/uploads/file-signature.util';
import {
  CONTENT_TYPES,
  type DetectedFileType,
  type ReceivedFile,
} from 'src/common/uploads/upload-spec.type';
import { LocalMediaStorage } from 'src/infrastructure/media/local-media-storage.adapter';
import {
  type MediaResourceType,
  MediaStorage,
  MediaStorageError,
  type StoredMedia,
} from 'src/infrastructure/media/media-storage.port';
import type { StoredAsset } from 'src/modules/videos/schemas/video.schema';
import { readMp4DurationSeconds } from 'src/modules/videos/video-duration.util';
import { VideosErrors } from 'src/modules/videos/videos.errors';

export type VerifiedUpload = ReceivedFile & { detectedType: DetectedFileType };

const VIDEO_FOLDER = 'videos';
const THUMBNAIL_FOLDER = 'thumbnails';

export interface NewVideoMedia {
  videoFile: StoredAsset;
  thumbnail: StoredAsset;
  duration: number;
  /** What was stored, for a rollback should a later step fail. */
  stored: StoredMedia[];
}

/**
 * The videos' side of media storage (docs/api.md#uploads): what is stored with which resource type,
 * where the duration comes from, and the rollback that leaves no asset behind a failed request.
 */
@Injectable()
export class VideoMediaService {
  private readonly logger = new Logger(VideoMediaService.name);

  constructor(private readonly storage: MediaStorage) {}

  /**
   * Upload: both files and the duration. With local storage the duration is read from the temp file
   * before anything is stored (nothing to roll back when it is unreadable); Cloudinary measures the
   * file itself, so its answer is only known after the upload, and a missing one rolls both uploads
   * back.
   */
  async storeNewVideo(video: VerifiedUpload, thumbnail: VerifiedUpload): Promise<NewVideoMedia> {
    let localDuration: number | null = null;
    if (this.storage.kind === 'local') {
      localDuration = await readMp4DurationSeconds(sourcePath(video));
      if (localDuration === null) throw VideosErrors.unreadableDuration();
    }

    const [videoResult, thumbnailResult] = await Promise.allSettled([
      this.upload(video, 'video', VIDEO_FOLDER),
      this.upload(thumbnail, 'image', THUMBNAIL_FOLDER),
    ]);
    const stored = [videoResult, thumbnailResult].flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    );
    if (videoResult.status === 'rejected' || thumbnailResult.status === 'rejected') {
      await this.rollback(stored);
      if (videoResult.status === 'rejected') throw uploadFailure(videoResult.reason, 'video');
      throw uploadFailure((thumbnailResult as PromiseRejectedResult).reason, 'image');
    }

    const duration = localDuration ?? videoResult.value.durationSeconds;
    if (duration === null || !Number.isFinite(duration) || duration <= 0) {
      await this.rollback(stored);
      throw VideosErrors.unreadableDuration();
    }
    return {
      videoFile: asset(videoResult.value),
      thumbnail: asset(thumbnailResult.value),
      duration,
      stored,
    };
  }

  /**
   * A finished resumable upload as the `video` file: the same signature check as a multipart
   * `video` (415 otherwise); the duration is checked by `storeNewVideo` like any video.
   */
  async verifyAssembled(upload: { path: string; size: number }): Promise<VerifiedUpload> {
    const head = Buffer.alloc(SIGNATURE_BYTES);
    const file = await open(upload.path, 'r');
    let read: number;
    try {
      ({ bytesRead: read } = await file.read(head, 0, SIGNATURE_BYTES, 0));
    } finally {
      await file.close();
    }
    if (detectFileType(head.subarray(0, read)) !== 'mp4') throw VideosErrors.wrongUploadType();
    return { field: 'video', size: upload.size, path: upload.path, detectedType: 'mp4' };
  }

  /** Thumbnail replacement: the new thumbnail (resource type `image`). */
  async storeThumbnail(thumbnail: VerifiedUpload): Promise<StoredMedia> {
    try {
      return await this.upload(thumbnail, 'image', THUMBNAIL_FOLDER);
    } catch (error) {
      throw uploadFailure(error, 'image');
    }
  }

  /** Deletes what a failed request stored. Never throws: the request's own error is what the client must see. */
  async rollback(stored: StoredMedia[]): Promise<void> {
    await Promise.all(
      stored.map((media) => this.deleteQuietly(media.key, media.resourceType, 'rollback')),
    );
  }

  /**
   * Deletes one asset with its resource type (idempotent in both adapters). A failure is logged
   * at error level with the key, for a manual or scheduled clean-up, and reported as false.
   */
  async deleteQuietly(
    key: string,
    resourceType: MediaResourceType,
    reason: string,
  ): Promise<boolean> {
    try {
      await this.storage.delete(key, resourceType);
      return true;
    } catch (error) {
      this.logger.error(
        `Could not delete ${resourceType} ${key} (${reason}): ${describeError(error)}`,
      );
      return false;
    }
  }

  /**
   * Removes a video's HLS rendition folder (local storage only; idempotent). A failure is logged
   * with the key and reported as false, like `deleteQuietly`.
   */
  async deleteRenditionsQuietly(folderKey: string, reason: string): Promise<boolean> {
    if (!(this.storage instanceof LocalMediaStorage)) return true;
    try {
      await this.storage.deleteRenditionFolder(folderKey);
      return true;
    } catch (error) {
      this.logger.error(
        `Could not delete renditions ${folderKey} (${reason}): ${describeError(error)}`,
      );
      return false;
    }
  }

  private upload(
    file: VerifiedUpload,
    resourceType: MediaResourceType,
    folder: string,
  ): Promise<StoredMedia> {
    return this.storage.upload({
      source: uploadSource(file),
      resourceType,
      contentType: CONTENT_TYPES[file.detectedType],
      folder,
    });
  }
}

/** Disk fields (videos) have a temp file, memory fields (images) a buffer. */
function uploadSource(file: VerifiedUpload): { path: string } | { buffer: Buffer } {
  if (file.path !== undefined) return { path: file.path };
  if (file.buffer !== undefined) return { buffer: file.buffer };
  throw new Error(`Upload of field ${file.field} has neither a temp file nor a buffer`);
}

function sourcePath(file: VerifiedUpload): string {
  // VIDEO_FILE streams to disk: a video always has a temp file.
  if (file.path === undefined) throw new Error('Video upload without a temporary file');
  return file.path;
}

function asset(media: StoredMedia): StoredAsset {
  return { url: media.url, key: media.key };
}

/** The provider refusing the bytes themselves is the file's fault (415); anything else stays a storage error (502). */
function uploadFailure(error: unknown, resourceType: MediaResourceType): unknown {
  if (error instanceof MediaStorageError && error.unreadableMedia) {
    return resourceType === 'video'
      ? VideosErrors.unreadableDuration()
      : VideosErrors.unreadableThumbnail();
  }
  return error;
}
