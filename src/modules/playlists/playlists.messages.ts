/** The envelope messages of the playlist endpoints (§9). */
export const PlaylistsMessages = {
  /** PL1 and PL3. */
  listed: 'Playlists fetched successfully',
  created: 'Playlist created successfully',
  userPlaylistsListed: 'User playlists fetched successfully',
  fetched: 'Playlist fetched successfully',
  updated: 'Playlist updated successfully',
  deleted: 'Playlist deleted successfully',
  /** PL8 tells an addition from a video that was already there. */
  videoAdded: 'Video added to playlist successfully',
  videoAlreadyPresent: 'Video is already in the playlist',
  videoRemoved: 'Video removed from playlist successfully',
} as const;
