import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/** The video endpoints' own failures (contract §4), with the exact messages clients see. */
export const VideosErrors = {
  /** Missing and invisible are the same answer (§1.11). */
  notFound: (): AppException => AppException.notFound('Video not found'),
  notOwnerUpdate: (): AppException => AppException.forbidden('You can only update your own videos'),
  notOwnerDelete: (): AppException =>
    AppException.forbidden('You are not authorized to delete this video'),
  /** V6 step 3 failed: nothing was deleted. */
  deleteFailed: (): AppException =>
    new AppException(ErrorCode.INTERNAL_ERROR, 'Failed to delete video'),
  unreadableDuration: (): AppException =>
    new AppException(
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      'Invalid video file. Could not read its duration',
    ),
  /** Cloudinary refused the thumbnail's bytes although the signature looked right. */
  unreadableThumbnail: (): AppException =>
    new AppException(
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      'Invalid thumbnail type. Only jpeg or png allowed.',
    ),
  /** V8: the toggle kept losing its compare-and-set to other toggles (practically unreachable). */
  publishContention: (): AppException =>
    AppException.conflict('The publish status is changing, please try again'),
} as const;
