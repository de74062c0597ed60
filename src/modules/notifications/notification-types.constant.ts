/**
 * Kinds a user's action causes (someone liked, followed, commented, published): grouped by
 * actor, never about one's own action.
 */
export const ACTOR_NOTIFICATION_TYPES = [
  'follow',
  'video_like',
  'comment_like',
  'post_like',
  'video_comment',
  'post_comment',
  'comment_reply',
  'new_video',
] as const;

/**
 * Kinds the system causes about the recipient's own content (a processing run of their video
 * ended): no actor, one item per (recipient, type, subject), refreshed rather than repeated.
 */
export const SYSTEM_NOTIFICATION_TYPES = ['video_ready', 'video_processing_failed'] as const;

/** The kinds of notification (docs/api.md#notifications), in the order the preferences list them. */
export const NOTIFICATION_TYPES = [
  ...ACTOR_NOTIFICATION_TYPES,
  ...SYSTEM_NOTIFICATION_TYPES,
] as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
export type ActorNotificationType = (typeof ACTOR_NOTIFICATION_TYPES)[number];
export type SystemNotificationType = (typeof SYSTEM_NOTIFICATION_TYPES)[number];

/**
 * The window start of every system notification: one item per (recipient, type, subject) for
 * good (the unique group index), so a repeat refreshes it instead of adding another.
 */
export const SYSTEM_NOTIFICATION_WINDOW_START = new Date(0);

/** What a notification is about, as clients name it. */
export const SUBJECT_KINDS = ['video', 'comment', 'communitypost', 'user'] as const;

export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** Actions on one subject within this window after the group's first form one notification. */
export const NOTIFICATION_GROUP_WINDOW_MS = 24 * 3600 * 1000;

/** Actors a notification keeps for display (newest last); `actorCount` counts all of them. */
export const NOTIFICATION_ACTOR_SAMPLE = 10;

/** Actors shown per item in the list. */
export const NOTIFICATION_ACTORS_SHOWN = 3;

/** Notifications (and their actor rows) are removed this long after their last action. */
export const NOTIFICATION_RETENTION_DAYS = 90;

/** Characters of a comment's or post's text kept as the subject's excerpt. */
export const NOTIFICATION_EXCERPT_LENGTH = 100;

/**
 * The unread count counts this many at most (a client shows "999+"): its cost, an index range
 * count, stays bounded whatever a user has piled up.
 */
export const NOTIFICATION_UNREAD_COUNT_CAP = 1000;
