/** The envelope messages of the follower endpoints (§7). */
export const FollowsMessages = {
  /** F1 names the state the toggle left. */
  followed: 'Followed successfully',
  unfollowed: 'Unfollowed successfully',
  followersListed: 'Followers fetched successfully',
  followingListed: 'Following list fetched successfully',
} as const;
