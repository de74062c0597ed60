import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { THUMBNAIL_FILE, VIDEO_FILE } from 'src/common/uploads/media-fields.constant';

/** The video endpoints' own failures, with the exact messages clients see. */
export const VideosErrors = {
  /** Missing and invisible are the same answer (docs/api.md#visibility). */
  notFound: defineError(ErrorCode.NOT_FOUND, 'Video not found'),
  notOwnerUpdate: defineError(ErrorCode.FORBIDDEN, 'You can only update your own videos'),
  notOwnerDelete: defineError(ErrorCode.FORBIDDEN, 'You are not authorized to delete this video'),
  /** Deleting the video document failed: nothing was deleted. */
  deleteFailed: defineError(ErrorCode.INTERNAL_ERROR, 'Failed to delete video'),
  unreadableDuration: defineError(
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    'Invalid video file. Could not read its duration',
  ),
  /** A resumable upload whose assembled bytes are not an MP4 (the `video` file's check). */
  wrongUploadType: defineError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, VIDEO_FILE.messages.wrongType),
  /** Cloudinary refused the thumbnail's bytes although the signature looked right. */
  unreadableThumbnail: defineError(
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    THUMBNAIL_FILE.messages.wrongType,
  ),
  /**
   * The publish toggle kept losing its compare-and-set to other toggles (practically unreachable).
   */
  publishContention: defineError(
    ErrorCode.CONFLICT,
    'The publish status is changing, please try again',
  ),
  /** `POST /video/:videoId/processing/retry` on a video whose processing has not failed. */
  processingNotFailed: defineError(ErrorCode.CONFLICT, 'Only failed processing can be retried'),
  /** `POST /webhooks/cloudinary` without a valid `X-Cld-Signature` / `X-Cld-Timestamp`. */
  invalidNotificationSignature: defineError(
    ErrorCode.UNAUTHORIZED,
    'Invalid notification signature',
  ),
} as const;
