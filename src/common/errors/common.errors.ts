import type { FieldError } from 'src/common/errors/app.exception';
import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/**
 * Failures of the shared pipeline whose text is not the code's default message. Every route can
 * give them, so `completeOperations` documents them from here rather than each route.
 */
export const CommonErrors = {
  /** Over the JSON or multipart body limit, however the body arrived. */
  bodyTooLarge: defineError(ErrorCode.PAYLOAD_TOO_LARGE, 'Request body too large'),
  unsupportedContentType: defineError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Unsupported content type'),
  /** Path ids, or an id in the query, that are not ObjectIds: one field error each. */
  invalidId: defineError(ErrorCode.INVALID_ID, undefined, (errors: FieldError[]) => ({ errors })),
  /** The media storage failed (mapped from `MediaStorageError`); upload routes list it. */
  storage: defineError(ErrorCode.STORAGE_ERROR),
} as const;
