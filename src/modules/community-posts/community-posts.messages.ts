/** The envelope messages of the community post endpoints (`/communitypost`). */
export const CommunityPostsMessages = {
  created: 'Community post created successfully',
  feed: 'Community feed fetched successfully',
  listed: 'Community posts fetched successfully',
  updated: 'Post updated successfully',
  deleted: 'Post deleted successfully',
} as const;
