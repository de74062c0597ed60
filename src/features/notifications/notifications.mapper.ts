import type {
  NotificationActorResponse,
  NotificationResponse,
  NotificationSubjectResponse,
} from 'src/features/notifications/dto/notification.response';
import type { NotificationPreferencesResponse } from 'src/features/notifications/dto/notification-preferences.dto';
import type {
  NotificationPreferences,
  NotificationSubject,
  NotificationView,
} from 'src/modules/notifications/notifications.service';
import { NOTIFICATION_TYPES } from 'src/modules/notifications/notification-types.constant';
import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';

/** One item; actors no longer visible (an account gone unverified) are left out of the sample. */
export function toNotificationResponse(
  view: NotificationView,
  users: Map<string, OwnerLiteResponse>,
): NotificationResponse {
  const actors: NotificationActorResponse[] = [];
  for (const id of view.actorIds) {
    const user = users.get(id);
    if (user)
      actors.push({
        _id: user._id,
        username: user.username,
        fullName: user.name,
        profileImage: user.profileImage,
      });
  }
  return {
    _id: view.id,
    type: view.type,
    actors,
    actorCount: view.actorCount,
    subject: toSubject(view.subject),
    read: view.read,
    createdAt: view.createdAt.toISOString(),
    updatedAt: view.updatedAt.toISOString(),
  };
}

function toSubject(subject: NotificationSubject): NotificationSubjectResponse {
  switch (subject.kind) {
    case 'video':
      return { kind: subject.kind, _id: subject.id, title: subject.text };
    case 'comment':
    case 'communitypost':
      return { kind: subject.kind, _id: subject.id, excerpt: subject.text };
    case 'user':
      return { kind: subject.kind, _id: subject.id };
  }
}

export function toPreferencesResponse(
  preferences: NotificationPreferences,
): NotificationPreferencesResponse {
  return Object.fromEntries(
    NOTIFICATION_TYPES.map((type) => [type, { inApp: preferences[type] }]),
  ) as unknown as NotificationPreferencesResponse;
}
