/** The envelope messages of the video endpoints (`/video`). */
export const VideosMessages = {
  listed: 'Videos fetched',
  uploaded: 'Video uploaded successfully',
  listedMine: 'Videos fetched successfully',
  thumbnailUpdated: 'Video thumbnail updated successfully',
  /** The publish toggle names the state it left the video in. */
  published: 'Video is now published',
  unpublished: 'Video is now unpublished',
  fetched: 'Video fetched successfully',
  updated: 'Video updated successfully',
  deleted: 'Video deleted successfully',
  processingRetried: 'Video processing restarted',
  notificationReceived: 'Notification received',
} as const;
