import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { UsersErrors } from 'src/modules/users/users.errors';

/** The follower endpoints' own failures (`/follower`). */
export const FollowsErrors = {
  /** Missing and pending users are the same answer (docs/api.md#visibility). */
  userNotFound: UsersErrors.userNotFound,
  followSelf: defineError(ErrorCode.BAD_REQUEST, 'You cannot follow yourself'),
} as const;
