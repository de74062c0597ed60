import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { UsersErrors } from 'src/modules/users/users.errors';

/** The community post endpoints' own failures, with the exact messages clients see. */
export const CommunityPostsErrors = {
  /** Editing and deleting: missing, or its owner invisible (docs/api.md#visibility). */
  postNotFound: defineError(ErrorCode.NOT_FOUND, 'Post not found'),
  /** A user's posts: missing or pending user. */
  userNotFound: UsersErrors.userNotFound,
  notOwnerEdit: defineError(ErrorCode.FORBIDDEN, 'You can only edit your own posts'),
  notOwnerDelete: defineError(ErrorCode.FORBIDDEN, 'You can only delete your own posts'),
  /** Creating: the caller was authenticated, but the account vanished before the handler ran. */
  signedOut: defineError(ErrorCode.UNAUTHORIZED),
} as const;
