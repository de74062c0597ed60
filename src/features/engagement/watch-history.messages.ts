/** The envelope messages of the caller's watch history (§3, U7 and U8). */
export const WatchHistoryMessages = {
  listed: 'Watch history fetched successfully',
  cleared: 'Watch history cleared successfully',
} as const;
