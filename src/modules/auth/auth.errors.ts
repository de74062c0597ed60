import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/** The failures of refresh and logout; the account flows' are in `UsersErrors`. */
export const AuthErrors = {
  /** No credentials: a refresh without a token, a logout where nothing names a live session. */
  unauthorized: defineError(ErrorCode.UNAUTHORIZED),
  invalidRefreshToken: defineError(ErrorCode.INVALID_REFRESH_TOKEN),
} as const;
