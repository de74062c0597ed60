import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/**
 * A hint only: nothing tells when one of the caller's other uploads will end. A refused attempt
 * is cheap (answered before its body is read, nothing written to disk), so a short wait is fine.
 */
const CONCURRENT_UPLOADS_RETRY_AFTER_SECONDS = 10;

const TOO_MANY_CONCURRENT_UPLOADS = 'Too many uploads in progress, please wait for one to finish';

/** The upload pipeline's own failures, beyond the per-field limits of `media-fields.constant`. */
export const UploadsErrors = {
  /** UPLOAD_MAX_CONCURRENT_PER_USER uploads of this user are still in progress. */
  tooManyConcurrent: (): AppException =>
    new AppException(ErrorCode.TOO_MANY_CONCURRENT_UPLOADS, TOO_MANY_CONCURRENT_UPLOADS, {
      headers: { 'Retry-After': String(CONCURRENT_UPLOADS_RETRY_AFTER_SECONDS) },
    }),
  /**
   * The body sent nothing for UPLOAD_IDLE_TIMEOUT_SECONDS. The rest of it will never be read, so
   * the connection closes after the answer instead of waiting for bytes that belong to no request.
   */
  idleTimeout: (seconds: number): AppException =>
    new AppException(ErrorCode.REQUEST_TIMEOUT, `No upload data received for ${seconds} seconds`, {
      headers: { Connection: 'close' },
    }),
} as const;

/** For `@ApiErrors` on every upload route (the 408 has no slot in `RouteErrors` yet). */
export const UPLOAD_ROUTE_ERRORS = {
  429: [`${ErrorCode.TOO_MANY_CONCURRENT_UPLOADS}: ${TOO_MANY_CONCURRENT_UPLOADS}`],
};
