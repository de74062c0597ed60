/** The envelope messages of the follower endpoints (`/follower`). */
export const FollowsMessages = {
  /** The toggle names the state it left. */
  followed: 'Followed successfully',
  unfollowed: 'Unfollowed successfully',
  followersListed: 'Followers fetched successfully',
  followingListed: 'Following list fetched successfully',
} as const;
