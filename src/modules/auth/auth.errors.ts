import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/** The session endpoints' own failures (§4.6, §4.7); the account flows' are in `UsersErrors`. */
export const AuthErrors = {
  /** No credentials at all (A6 without a token, A11 when nothing identifies a live session). */
  unauthorized: (): AppException => new AppException(ErrorCode.UNAUTHORIZED),
  invalidRefreshToken: (): AppException => new AppException(ErrorCode.INVALID_REFRESH_TOKEN),
} as const;
