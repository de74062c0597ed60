import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { VideosErrors } from 'src/modules/videos/videos.errors';

/** The comment endpoints' own failures, with the exact messages clients see. */
export const CommentsErrors = {
  /** A video's comments: missing or invisible video (docs/api.md#visibility). */
  videoNotFound: VideosErrors.notFound,
  /** A post's comments: missing post, or its owner invisible. */
  postNotFound: defineError(ErrorCode.NOT_FOUND, 'Community post not found'),
  /** Editing and deleting: missing comment, or its parent invisible. */
  commentNotFound: defineError(ErrorCode.NOT_FOUND, 'Comment not found'),
  notAuthorEdit: defineError(ErrorCode.FORBIDDEN, 'You are not authorized to edit this comment'),
  notAuthorDelete: defineError(
    ErrorCode.FORBIDDEN,
    'You are not authorized to delete this comment',
  ),
  /** Adding: the caller was authenticated, but the account vanished before the handler ran. */
  signedOut: defineError(ErrorCode.UNAUTHORIZED),
} as const;
