/** The counts and the caller flag of a profile (U9) that live in other domains' collections. */
export interface ProfileStats {
  followersCount: number;
  followingCount: number;
  /** The viewer follows this user; always false for anonymous viewers and for the user themself. */
  isFollowed: boolean;
  videosCount: number;
  totalViews: number;
  totalLikes: number;
}

/**
 * Implemented by the domains that own follows, videos and likes. Users is the lower module (they
 * depend on it), so it cannot import them: the implementation is bound as
 * `{ provide: ProfileStatsPort, useClass: … }` in a `@Global()` module that exports it, and
 * UsersService receives it with `@Optional()`.
 *
 * While no implementation is bound, follows and videos do not exist yet, so every count is truly
 * zero and nobody follows anybody: `NO_PROFILE_STATS` is then the correct answer, not a placeholder.
 */
export abstract class ProfileStatsPort {
  abstract statsFor(userId: string, viewerId: string | null): Promise<ProfileStats>;
}

export const NO_PROFILE_STATS: Readonly<ProfileStats> = Object.freeze({
  followersCount: 0,
  followingCount: 0,
  isFollowed: false,
  videosCount: 0,
  totalViews: 0,
  totalLikes: 0,
});
