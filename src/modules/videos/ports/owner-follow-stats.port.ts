/**
 * V4's `owner.followersCount` and `owner.isFollowed` come from the follows collection (contract
 * §7), owned by a module that is bound the same way as `VideoLikesPort`: a `@Global()` provider,
 * received here with `@Optional()`.
 */
export abstract class OwnerFollowStatsPort {
  abstract followersCount(userId: string): Promise<number>;
  /** Whether `followerId` follows `followingId`. */
  abstract isFollowing(followerId: string, followingId: string): Promise<boolean>;
}
