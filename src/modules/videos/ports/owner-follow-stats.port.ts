import type { JoinedFigure } from 'src/common/database/joined-figure.type';

/**
 * V4's `owner.followersCount` and `owner.isFollowed` come from the follows collection (contract
 * §7), owned by a module that is bound the same way as `VideoLikesPort`: a `@Global()` provider,
 * received here with `@Optional()`.
 */
export abstract class OwnerFollowStatsPort {
  /**
   * Both figures of the video's owner inside the caller's aggregation over videos (one round
   * trip for the whole detail page). The join goes into the field `as`; `isFollowed` is false
   * for anonymous viewers.
   */
  abstract ownerFiguresJoin(
    viewerId: string | null,
    as: string,
  ): JoinedFigure<{ followersCount: number; isFollowed: boolean }>;
}
