import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { PLAYLIST_MAX_VIDEOS_DEFAULT } from 'src/config/app-config';
import { UsersErrors } from 'src/modules/users/users.errors';
import { VideosErrors } from 'src/modules/videos/videos.errors';

/** The playlist endpoints' own failures, with the exact messages clients see. */
export const PlaylistsErrors = {
  /** Missing and private-to-someone-else are the same answer (docs/api.md#visibility). */
  notFound: defineError(ErrorCode.NOT_FOUND, 'Playlist not found'),
  videoNotFound: VideosErrors.notFound,
  userNotFound: UsersErrors.userNotFound,
  notOwnerUpdate: defineError(
    ErrorCode.FORBIDDEN,
    'You are not authorized to update this playlist',
  ),
  notOwnerDelete: defineError(
    ErrorCode.FORBIDDEN,
    'You are not authorized to delete this playlist',
  ),
  notOwnerAdd: defineError(
    ErrorCode.FORBIDDEN,
    'You are not authorized to add videos to this playlist',
  ),
  notOwnerRemove: defineError(
    ErrorCode.FORBIDDEN,
    'You are not authorized to remove videos from this playlist',
  ),
  /** PLAYLIST_MAX_VIDEOS entries already. */
  full: defineError(ErrorCode.BAD_REQUEST, {
    render: (max: number) => `Playlist cannot contain more than ${max} videos`,
    documentedWith: [PLAYLIST_MAX_VIDEOS_DEFAULT],
  }),
  /**
   * Adding a video kept losing its conditional append to concurrent changes (practically
   * unreachable).
   */
  appendContention: defineError(ErrorCode.CONFLICT, 'The playlist is changing, please try again'),
} as const;
