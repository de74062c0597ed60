/** The envelope messages of a channel's profile and dashboard. */
export const ChannelMessages = {
  profile: 'User profile fetched successfully',
  dashboard: 'Dashboard stats fetched successfully',
} as const;
