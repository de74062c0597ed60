import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/** The community post endpoints' own failures (§8), with the exact messages clients see. */
export const CommunityPostsErrors = {
  /** P4, P5: missing, or its owner invisible (§1.11). */
  postNotFound: (): AppException => AppException.notFound('Post not found'),
  /** P3: missing or pending user. */
  userNotFound: (): AppException => AppException.notFound('User not found'),
  notOwnerEdit: (): AppException => AppException.forbidden('You can only edit your own posts'),
  notOwnerDelete: (): AppException => AppException.forbidden('You can only delete your own posts'),
  /** P1: the guard authenticated the caller, but the account vanished before the handler ran. */
  signedOut: (): AppException => new AppException(ErrorCode.UNAUTHORIZED),
} as const;
