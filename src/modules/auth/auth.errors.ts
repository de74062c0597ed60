import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/** The auth endpoints' own failures (§2), with the exact messages the client branches on. */
export const AuthErrors = {
  emailTaken: (): AppException => AppException.conflict('Email already exists'),
  usernameTaken: (): AppException => AppException.conflict('Username already exists'),
  verificationEmailFailed: (): AppException =>
    new AppException(ErrorCode.EMAIL_DELIVERY_FAILED, 'Failed to send verification email'),
  alreadyVerified: (): AppException => new AppException(ErrorCode.ALREADY_VERIFIED),
  invalidCredentials: (): AppException => new AppException(ErrorCode.INVALID_CREDENTIALS),
  wrongOldPassword: (): AppException =>
    new AppException(ErrorCode.WRONG_PASSWORD, 'Old password is incorrect'),
  /** No credentials at all (A6 without a token, A11 when nothing identifies a live session). */
  unauthorized: (): AppException => new AppException(ErrorCode.UNAUTHORIZED),
  invalidRefreshToken: (): AppException => new AppException(ErrorCode.INVALID_REFRESH_TOKEN),
} as const;
