import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { UPLOAD_IDLE_TIMEOUT_SECONDS_DEFAULT } from 'src/config/app-config';

/**
 * A hint only: nothing tells when one of the caller's other uploads will end. A refused attempt
 * is cheap (answered before its body is read, nothing written to disk), so a short wait is fine.
 */
const CONCURRENT_UPLOADS_RETRY_AFTER_SECONDS = 10;

/** The upload pipeline's own failures, beyond the per-field limits of `media-fields.constant`. */
export const UploadsErrors = {
  /** UPLOAD_MAX_CONCURRENT_PER_USER uploads of this user are still in progress. */
  tooManyConcurrent: defineError(
    ErrorCode.TOO_MANY_CONCURRENT_UPLOADS,
    'Too many uploads in progress, please wait for one to finish',
    { headers: { 'Retry-After': String(CONCURRENT_UPLOADS_RETRY_AFTER_SECONDS) } },
  ),
  /**
   * The body sent nothing for UPLOAD_IDLE_TIMEOUT_SECONDS. The rest of it will never be read, so
   * the connection closes after the answer instead of waiting for bytes that belong to no request.
   */
  idleTimeout: defineError(
    ErrorCode.REQUEST_TIMEOUT,
    {
      render: (seconds: number) => `No upload data received for ${seconds} seconds`,
      documentedWith: [UPLOAD_IDLE_TIMEOUT_SECONDS_DEFAULT],
    },
    { headers: { Connection: 'close' } },
  ),
} as const;

/** Field errors of the multipart pipeline that name the field (400 `VALIDATION_ERROR`). */
export const UploadFieldMessages = {
  unexpected: (field: string): string => `Unexpected file field: ${field}`,
  duplicate: (field: string): string => `Only one ${field} file is allowed`,
  eitherOr: (field: string, alternative: string): string =>
    `Send either a ${field} file or ${alternative}, not both`,
} as const;
