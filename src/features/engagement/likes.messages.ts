/** The envelope messages of the like endpoints (`/like`); a toggle names the state it left. */
export const LikesMessages = {
  videoLiked: 'Video liked successfully',
  videoUnliked: 'Video unliked successfully',
  commentLiked: 'Comment liked successfully',
  commentUnliked: 'Comment unliked successfully',
  postLiked: 'Post liked successfully',
  postUnliked: 'Post unliked successfully',
  likedVideos: 'Liked videos fetched successfully',
} as const;
