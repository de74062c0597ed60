import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/** Failures of the local media route (`/media/*`), outside the API envelope. */
export const MediaErrors = {
  /** No such file, or it vanished between being found and being opened. */
  fileNotFound: defineError(ErrorCode.NOT_FOUND, 'File not found'),
} as const;
