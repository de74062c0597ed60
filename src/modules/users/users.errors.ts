import {
  defineError,
  errorDefinition,
  type ErrorDefinition,
} from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { CODE_MESSAGES } from 'src/modules/users/one-time-codes.service';
import type { CodePurpose } from 'src/modules/users/user-records.type';

/**
 * The failures of the account flows (registration, codes, credentials) and of the user
 * endpoints (`/user`), with the exact messages the client branches on.
 */
export const UsersErrors = {
  userNotFound: defineError(ErrorCode.NOT_FOUND, 'User not found'),
  /** Registration. */
  emailTaken: defineError(ErrorCode.CONFLICT, 'Email already exists'),
  usernameTaken: defineError(ErrorCode.CONFLICT, 'Username already exists'),
  alreadyVerified: defineError(ErrorCode.ALREADY_VERIFIED),
  invalidCredentials: defineError(ErrorCode.INVALID_CREDENTIALS),
  wrongOldPassword: defineError(ErrorCode.WRONG_PASSWORD, 'Old password is incorrect'),
  wrongPassword: defineError(ErrorCode.WRONG_PASSWORD, 'Password is incorrect'),
  sameEmail: defineError(
    ErrorCode.BAD_REQUEST,
    'New email must be different from the current email',
  ),
  emailInUse: defineError(ErrorCode.CONFLICT, 'Email is already in use'),
  codeCooldown: defineError(
    ErrorCode.RATE_LIMITED,
    'Please wait before requesting another code',
    (retryAfterSeconds: number) => ({ headers: { 'Retry-After': String(retryAfterSeconds) } }),
  ),
  /** Registration and email change: the code could not be mailed. */
  emailDeliveryFailed: defineError(
    ErrorCode.EMAIL_DELIVERY_FAILED,
    'Failed to send verification email',
  ),
  /** The guard authenticated the caller, but the account vanished before the handler ran. */
  signedOut: defineError(ErrorCode.UNAUTHORIZED),
  /**
   * Redeeming a one-time code of `purpose`. `OneTimeCodesService` throws these with the texts of
   * its `CODE_MESSAGES`, which are read here rather than repeated.
   */
  codeRedemption: (purpose: CodePurpose): ErrorDefinition[] => [
    errorDefinition(ErrorCode.INVALID_CODE, CODE_MESSAGES[purpose].invalid),
    errorDefinition(ErrorCode.CODE_EXPIRED, CODE_MESSAGES[purpose].expired),
    errorDefinition(ErrorCode.TOO_MANY_ATTEMPTS),
  ],
} as const;
