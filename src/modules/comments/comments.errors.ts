import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { VideosErrors } from 'src/modules/videos/videos.errors';

/** The comment endpoints' own failures (§6), with the exact messages clients see. */
export const CommentsErrors = {
  /** C1, C2: missing or invisible video (§1.11). */
  videoNotFound: VideosErrors.notFound,
  /** C3, C4: missing post, or its owner invisible. */
  postNotFound: defineError(ErrorCode.NOT_FOUND, 'Community post not found'),
  /** C5, C6: missing comment, or its parent invisible. */
  commentNotFound: defineError(ErrorCode.NOT_FOUND, 'Comment not found'),
  notAuthorEdit: defineError(ErrorCode.FORBIDDEN, 'You are not authorized to edit this comment'),
  notAuthorDelete: defineError(
    ErrorCode.FORBIDDEN,
    'You are not authorized to delete this comment',
  ),
  /** C2, C4: the guard authenticated the caller, but the account vanished before the handler ran. */
  signedOut: defineError(ErrorCode.UNAUTHORIZED),
} as const;
