import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/** The session endpoints' own failures (§4.6, §4.7); the account flows' are in `UsersErrors`. */
export const AuthErrors = {
  /** No credentials at all (A6 without a token, A11 when nothing identifies a live session). */
  unauthorized: defineError(ErrorCode.UNAUTHORIZED),
  invalidRefreshToken: defineError(ErrorCode.INVALID_REFRESH_TOKEN),
} as const;
