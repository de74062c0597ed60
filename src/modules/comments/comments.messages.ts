/** The envelope messages of the comment endpoints (`/comment`). */
export const CommentsMessages = {
  videoCommentsListed: 'Video comments fetched successfully',
  postCommentsListed: 'Post comments fetched successfully',
  added: 'Comment added successfully',
  replyAdded: 'Reply added successfully',
  repliesListed: 'Replies fetched successfully',
  updated: 'Comment updated successfully',
  deleted: 'Comment deleted successfully',
} as const;
