import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/** The failures of refresh, logout and the session list; the account flows' are in `UsersErrors`. */
export const AuthErrors = {
  /** No credentials: a refresh without a token, a logout where nothing names a live session. */
  unauthorized: defineError(ErrorCode.UNAUTHORIZED),
  invalidRefreshToken: defineError(ErrorCode.INVALID_REFRESH_TOKEN),
  /** The session list: unknown, someone else's, revoked or expired are one answer (no probing). */
  sessionNotFound: defineError(ErrorCode.NOT_FOUND, 'Session not found'),
} as const;
