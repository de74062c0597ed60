/** The envelope messages of the feed endpoints (`/feed`). */
export const FeedMessages = {
  videosListed: 'Feed fetched successfully',
} as const;
