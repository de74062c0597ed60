/** The figures of a profile that live in other domains' collections; the channel feature computes them. */
export interface ProfileStats {
  followersCount: number;
  followingCount: number;
  /** The viewer follows this user; always false for anonymous viewers and for the user themself. */
  isFollowed: boolean;
  videosCount: number;
  totalViews: number;
  totalLikes: number;
}
