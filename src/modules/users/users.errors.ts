import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/**
 * The failures of the account flows (§2: registration, codes, credentials) and of the user
 * endpoints (§3), with the exact messages the client branches on.
 */
export const UsersErrors = {
  userNotFound: (): AppException => AppException.notFound('User not found'),
  /** A2: registration. */
  emailTaken: (): AppException => AppException.conflict('Email already exists'),
  usernameTaken: (): AppException => AppException.conflict('Username already exists'),
  alreadyVerified: (): AppException => new AppException(ErrorCode.ALREADY_VERIFIED),
  invalidCredentials: (): AppException => new AppException(ErrorCode.INVALID_CREDENTIALS),
  wrongOldPassword: (): AppException =>
    new AppException(ErrorCode.WRONG_PASSWORD, 'Old password is incorrect'),
  wrongPassword: (): AppException =>
    new AppException(ErrorCode.WRONG_PASSWORD, 'Password is incorrect'),
  sameEmail: (): AppException =>
    AppException.badRequest('New email must be different from the current email'),
  emailInUse: (): AppException => AppException.conflict('Email is already in use'),
  codeCooldown: (retryAfterSeconds: number): AppException =>
    new AppException(ErrorCode.RATE_LIMITED, 'Please wait before requesting another code', {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
  /** A2 and U3: the code could not be mailed. */
  emailDeliveryFailed: (): AppException =>
    new AppException(ErrorCode.EMAIL_DELIVERY_FAILED, 'Failed to send verification email'),
  /** The guard authenticated the caller, but the account vanished before the handler ran. */
  signedOut: (): AppException => new AppException(ErrorCode.UNAUTHORIZED),
} as const;
