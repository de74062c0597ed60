import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/** The user endpoints' own failures (§3), with the exact messages the client branches on. */
export const UsersErrors = {
  userNotFound: (): AppException => AppException.notFound('User not found'),
  wrongPassword: (): AppException =>
    new AppException(ErrorCode.WRONG_PASSWORD, 'Password is incorrect'),
  sameEmail: (): AppException =>
    AppException.badRequest('New email must be different from the current email'),
  emailInUse: (): AppException => AppException.conflict('Email is already in use'),
  codeCooldown: (retryAfterSeconds: number): AppException =>
    new AppException(ErrorCode.RATE_LIMITED, 'Please wait before requesting another code', {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
  emailDeliveryFailed: (): AppException =>
    new AppException(ErrorCode.EMAIL_DELIVERY_FAILED, 'Failed to send verification email'),
  /** The guard authenticated the caller, but the account vanished before the handler ran. */
  signedOut: (): AppException => new AppException(ErrorCode.UNAUTHORIZED),
} as const;
