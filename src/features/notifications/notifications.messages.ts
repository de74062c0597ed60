/** The envelope messages of the notification endpoints (`/notifications`). */
export const NotificationsMessages = {
  listed: 'Notifications fetched successfully',
  unreadCounted: 'Unread count fetched successfully',
  markedRead: 'Notification marked as read',
  allMarkedRead: 'All notifications marked as read',
  preferencesFetched: 'Notification preferences fetched successfully',
  preferencesUpdated: 'Notification preferences updated successfully',
} as const;
