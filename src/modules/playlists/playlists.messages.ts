/** The envelope messages of the playlist endpoints (`/playlist`). */
export const PlaylistsMessages = {
  /** `GET /playlist/search` and `GET /playlist/me`. */
  listed: 'Playlists fetched successfully',
  created: 'Playlist created successfully',
  userPlaylistsListed: 'User playlists fetched successfully',
  fetched: 'Playlist fetched successfully',
  updated: 'Playlist updated successfully',
  deleted: 'Playlist deleted successfully',
  /** Adding a video tells an addition from a video that was already there. */
  videoAdded: 'Video added to playlist successfully',
  videoAlreadyPresent: 'Video is already in the playlist',
  videoRemoved: 'Video removed from playlist successfully',
} as const;
