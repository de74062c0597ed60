import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { VIDEO_FILE } from 'src/common/uploads/media-fields.constant';
import {
  RESUMABLE_UPLOAD_DAILY_BYTES_DEFAULT,
  RESUMABLE_UPLOAD_MAX_UNFINISHED_DEFAULT,
} from 'src/config/app-config';

const MB = 1024 * 1024;

/** A hint: an unfinished upload ends when its owner finishes, deletes it, or it expires. */
const UNFINISHED_RETRY_AFTER_SECONDS = 60;

/** The resumable uploads' own failures (docs/api.md#resumable-uploads). */
export const ResumableUploadsErrors = {
  /** Unknown, someone else's, expired, consumed or terminated: the same answer. */
  notFound: defineError(ErrorCode.NOT_FOUND, 'Upload not found'),
  /** `POST /video` with an upload whose bytes have not all arrived. */
  notFinished: defineError(ErrorCode.CONFLICT, 'Upload is not finished'),
  lengthRequired: defineError(
    ErrorCode.BAD_REQUEST,
    'Upload-Length must be a non-negative integer (deferred lengths are not supported)',
  ),
  invalidMetadata: defineError(
    ErrorCode.BAD_REQUEST,
    'Upload-Metadata must be comma-separated `key base64` pairs, each key once',
  ),
  wrongContentType: defineError(
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    'Upload data must be sent as application/offset+octet-stream',
  ),
  tusResumableRequired: defineError(
    ErrorCode.PRECONDITION_FAILED,
    'Tus-Resumable: 1.0.0 is required',
  ),
  /** The declared length is over the video limit: refused before any byte is stored. */
  tooLarge: defineError(ErrorCode.PAYLOAD_TOO_LARGE, VIDEO_FILE.messages.tooLarge),
  tooManyUnfinished: defineError(
    ErrorCode.TOO_MANY_UNFINISHED_UPLOADS,
    {
      render: (max: number) =>
        `Too many unfinished uploads (at most ${max}); finish or delete one first`,
      documentedWith: [RESUMABLE_UPLOAD_MAX_UNFINISHED_DEFAULT],
    },
    { headers: { 'Retry-After': String(UNFINISHED_RETRY_AFTER_SECONDS) } },
  ),
  dailyQuota: defineError(ErrorCode.UPLOAD_QUOTA_EXCEEDED, {
    render: (bytes: number) => `Daily upload quota of ${Math.floor(bytes / MB)}MB exceeded`,
    documentedWith: [RESUMABLE_UPLOAD_DAILY_BYTES_DEFAULT],
  }),
} as const;
