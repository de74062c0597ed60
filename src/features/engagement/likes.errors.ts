import { AppException } from 'src/common/errors/app.exception';

/** The like endpoints' own failures (§5): missing and invisible targets are the same 404 (§1.11). */
export const LikesErrors = {
  videoNotFound: (): AppException => AppException.notFound('Video not found'),
  commentNotFound: (): AppException => AppException.notFound('Comment not found'),
  postNotFound: (): AppException => AppException.notFound('Community post not found'),
} as const;
