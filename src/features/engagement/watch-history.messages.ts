/** The envelope messages of the caller's watch history (`GET` and `DELETE /user/history`). */
export const WatchHistoryMessages = {
  listed: 'Watch history fetched successfully',
  cleared: 'Watch history cleared successfully',
} as const;
