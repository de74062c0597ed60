import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { UsersErrors } from 'src/modules/users/users.errors';

/** The community post endpoints' own failures (§8), with the exact messages clients see. */
export const CommunityPostsErrors = {
  /** P4, P5: missing, or its owner invisible (§1.11). */
  postNotFound: defineError(ErrorCode.NOT_FOUND, 'Post not found'),
  /** P3: missing or pending user. */
  userNotFound: UsersErrors.userNotFound,
  notOwnerEdit: defineError(ErrorCode.FORBIDDEN, 'You can only edit your own posts'),
  notOwnerDelete: defineError(ErrorCode.FORBIDDEN, 'You can only delete your own posts'),
  /** P1: the guard authenticated the caller, but the account vanished before the handler ran. */
  signedOut: defineError(ErrorCode.UNAUTHORIZED),
} as const;
