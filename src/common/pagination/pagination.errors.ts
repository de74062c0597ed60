import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/** Failures of the cursor-paged lists, documented by the routes that take a `cursor`. */
export const PaginationErrors = {
  /** Forged, altered, or issued for another list, sort or caller. */
  invalidCursor: defineError(ErrorCode.INVALID_CURSOR, 'Invalid cursor'),
} as const;
