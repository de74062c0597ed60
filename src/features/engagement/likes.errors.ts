import { CommentsErrors } from 'src/modules/comments/comments.errors';
import { VideosErrors } from 'src/modules/videos/videos.errors';

/**
 * The like endpoints' own failures: missing and invisible targets are the same 404
 * (docs/api.md#visibility), worded as where the target is addressed from elsewhere
 * (`Community post not found`).
 */
export const LikesErrors = {
  videoNotFound: VideosErrors.notFound,
  commentNotFound: CommentsErrors.commentNotFound,
  postNotFound: CommentsErrors.postNotFound,
} as const;
