import { AppException } from 'src/common/errors/app.exception';

/** The follower endpoints' own failures (contract §7). */
export const FollowsErrors = {
  /** Missing and pending users are the same answer (§1.11). */
  userNotFound: (): AppException => AppException.notFound('User not found'),
  followSelf: (): AppException => AppException.badRequest('You cannot follow yourself'),
} as const;
