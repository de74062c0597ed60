import { AppException } from 'src/common/errors/app.exception';

/** The playlist endpoints' own failures (contract §9), with the exact messages clients see. */
export const PlaylistsErrors = {
  /** Missing and private-to-someone-else are the same answer (§1.11). */
  notFound: (): AppException => AppException.notFound('Playlist not found'),
  videoNotFound: (): AppException => AppException.notFound('Video not found'),
  userNotFound: (): AppException => AppException.notFound('User not found'),
  notOwnerUpdate: (): AppException =>
    AppException.forbidden('You are not authorized to update this playlist'),
  notOwnerDelete: (): AppException =>
    AppException.forbidden('You are not authorized to delete this playlist'),
  notOwnerAdd: (): AppException =>
    AppException.forbidden('You are not authorized to add videos to this playlist'),
  notOwnerRemove: (): AppException =>
    AppException.forbidden('You are not authorized to remove videos from this playlist'),
  full: (max: number): AppException =>
    AppException.badRequest(`Playlist cannot contain more than ${max} videos`),
} as const;
