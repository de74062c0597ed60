import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/** The comment endpoints' own failures (§6), with the exact messages clients see. */
export const CommentsErrors = {
  /** C1, C2: missing or invisible video (§1.11). */
  videoNotFound: (): AppException => AppException.notFound('Video not found'),
  /** C3, C4: missing post, or its owner invisible. */
  postNotFound: (): AppException => AppException.notFound('Community post not found'),
  /** C5, C6: missing comment, or its parent invisible. */
  commentNotFound: (): AppException => AppException.notFound('Comment not found'),
  notAuthorEdit: (): AppException =>
    AppException.forbidden('You are not authorized to edit this comment'),
  notAuthorDelete: (): AppException =>
    AppException.forbidden('You are not authorized to delete this comment'),
  /** C2, C4: the guard authenticated the caller, but the account vanished before the handler ran. */
  signedOut: (): AppException => new AppException(ErrorCode.UNAUTHORIZED),
} as const;
