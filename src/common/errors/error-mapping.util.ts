import { HttpException, HttpStatus } from '@nestjs/common';
import { AppException } from 'src/common/errors/app.exception';
import { CommonErrors } from 'src/common/errors/common.errors';
import { ERROR_STATUS, ErrorCode } from 'src/common/errors/error-code.constant';
import { MailDeliveryError } from 'src/infrastructure/mail/mailer.port';
import { MediaStorageError } from 'src/infrastructure/media/media-storage.port';

/** Driver and Mongoose error names that mean "the database cannot be reached right now". */
const DATABASE_UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'MongoWaitQueueTimeoutError',
  'MongoOperationTimeoutError',
  'MongoExpiredSessionError',
  'DatabaseUnavailableError',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  type?: unknown;
  message?: unknown;
  cause?: unknown;
}

function asErrorLike(value: unknown): ErrorLike | undefined {
  return typeof value === 'object' && value !== null ? value : undefined;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = asErrorLike(error), depth = 0; current && depth < 5; depth++) {
    if (typeof current.name === 'string' && DATABASE_UNAVAILABLE.has(current.name)) return true;
    const message = typeof current.message === 'string' ? current.message : '';
    // Mongoose's own wording while the first connection has not been made yet.
    if (
      current.name === 'MongooseError' &&
      /initial connection|buffering timed out|Connection was force closed/i.test(message)
    ) {
      return true;
    }
    current = asErrorLike(current.cause);
  }
  return false;
}

export function isDuplicateKey(error: unknown): boolean {
  const candidate = asErrorLike(error);
  return candidate?.code === 11000 || candidate?.code === 11001;
}

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: ErrorCode.BAD_REQUEST,
  [HttpStatus.UNAUTHORIZED]: ErrorCode.UNAUTHORIZED,
  [HttpStatus.FORBIDDEN]: ErrorCode.FORBIDDEN,
  [HttpStatus.NOT_FOUND]: ErrorCode.ROUTE_NOT_FOUND,
  [HttpStatus.METHOD_NOT_ALLOWED]: ErrorCode.ROUTE_NOT_FOUND,
  [HttpStatus.PAYLOAD_TOO_LARGE]: ErrorCode.PAYLOAD_TOO_LARGE,
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  [HttpStatus.TOO_MANY_REQUESTS]: ErrorCode.RATE_LIMITED,
  [HttpStatus.SERVICE_UNAVAILABLE]: ErrorCode.SERVICE_UNAVAILABLE,
};

/** Messages that are safe to show for framework HTTP errors; anything else gets the code's default. */
const FRAMEWORK_MESSAGES: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.BAD_REQUEST]: 'Bad request',
  [ErrorCode.UNAUTHORIZED]: 'UNAUTHORIZED',
  [ErrorCode.FORBIDDEN]: 'Forbidden',
  [ErrorCode.PAYLOAD_TOO_LARGE]: CommonErrors.bodyTooLarge.message,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: CommonErrors.unsupportedContentType.message,
};

/**
 * Turns anything thrown into the AppException the client sees. `unexpected` is true when the
 * error was not anticipated, so the filter logs it (once) as a 500.
 */
export function toAppException(error: unknown): { exception: AppException; unexpected: boolean } {
  if (error instanceof AppException) return { exception: error, unexpected: false };
  if (error instanceof MediaStorageError) {
    return { exception: CommonErrors.storage(), unexpected: false };
  }
  if (error instanceof MailDeliveryError) {
    return {
      exception: new AppException(ErrorCode.EMAIL_DELIVERY_FAILED, 'Failed to send email'),
      unexpected: false,
    };
  }
  if (isDatabaseUnavailable(error)) {
    return { exception: new AppException(ErrorCode.SERVICE_UNAVAILABLE), unexpected: false };
  }
  if (isDuplicateKey(error))
    return { exception: new AppException(ErrorCode.CONFLICT), unexpected: false };

  const bodyParserType = asErrorLike(error)?.type;
  if (bodyParserType === 'entity.parse.failed') {
    return { exception: new AppException(ErrorCode.MALFORMED_JSON), unexpected: false };
  }
  if (bodyParserType === 'entity.too.large') {
    return { exception: CommonErrors.bodyTooLarge(), unexpected: false };
  }
  if (bodyParserType === 'encoding.unsupported' || bodyParserType === 'charset.unsupported') {
    return { exception: CommonErrors.unsupportedContentType(), unexpected: false };
  }
  if (bodyParserType === 'request.aborted') {
    return {
      exception: new AppException(ErrorCode.BAD_REQUEST, 'Request aborted'),
      unexpected: false,
    };
  }

  if (error instanceof HttpException) {
    const code = STATUS_CODES[error.getStatus()];
    if (code) {
      return { exception: new AppException(code, FRAMEWORK_MESSAGES[code]), unexpected: false };
    }
  }
  return { exception: new AppException(ErrorCode.INTERNAL_ERROR), unexpected: true };
}

export { ERROR_STATUS };
