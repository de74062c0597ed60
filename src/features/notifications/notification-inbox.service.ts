import { Injectable } from '@nestjs/common';
import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import type { ListNotificationsQueryDto } from 'src/features/notifications/dto/list-notifications-query.dto';
import type {
  NotificationPageResponse,
  ReadAllResponse,
  UnreadCountResponse,
} from 'src/features/notifications/dto/notification.response';
import type {
  NotificationPreferencesResponse,
  UpdateNotificationPreferencesDto,
} from 'src/features/notifications/dto/notification-preferences.dto';
import { NotificationsErrors } from 'src/features/notifications/notifications.errors';
import { toPreferencesResponse } from 'src/features/notifications/notifications.mapper';
import { NotificationResponsesService } from 'src/features/notifications/notification-responses.service';
import { NotificationStreamService } from 'src/features/notifications/notification-stream.service';
import type { NotificationType } from 'src/modules/notifications/notification-types.constant';
import { NotificationsService } from 'src/modules/notifications/notifications.service';

/**
 * The `/notifications` routes: the caller's items (the store's page, then their shown actors in
 * one query: two round trips per page), the unread count, marking read (announced to the
 * caller's streams), the preferences. Every
 * query names the caller as recipient, so another user's notification is a plain 404.
 */
@Injectable()
export class NotificationInboxService {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly responses: NotificationResponsesService,
    private readonly stream: NotificationStreamService,
    private readonly cursors: CursorCodecService,
  ) {}

  async page(userId: string, query: ListNotificationsQueryDto): Promise<NotificationPageResponse> {
    const read = query.unread === undefined ? null : !query.unread;
    // Bound to the user and the filter: another user's cursor, or another filter's, is 400.
    const list = `notifications:${userId}:${read === null ? 'all' : read ? 'read' : 'unread'}`;
    const after =
      query.cursor === undefined ? null : this.cursors.decode(list, query.cursor, 'date');
    const page = await this.notifications.page(
      userId,
      read,
      after === null ? null : { activityAt: after.key, id: after.id },
      query.limit,
    );
    return {
      docs: await this.responses.items(page.items),
      limit: query.limit,
      nextCursor:
        page.next === null
          ? null
          : this.cursors.encode(list, { key: page.next.activityAt, id: page.next.id }),
    };
  }

  unreadCount(userId: string): Promise<UnreadCountResponse> {
    return this.responses.unreadCount(userId);
  }

  async markRead(userId: string, notificationId: string): Promise<null> {
    if (!(await this.notifications.markRead(userId, notificationId)))
      throw NotificationsErrors.notFound();
    await this.stream.countChanged(userId);
    return null;
  }

  async markAllRead(userId: string): Promise<ReadAllResponse> {
    const marked = await this.notifications.markAllRead(userId);
    if (marked > 0) await this.stream.countChanged(userId);
    return { marked };
  }

  async preferences(userId: string): Promise<NotificationPreferencesResponse> {
    return toPreferencesResponse(await this.notifications.preferences(userId));
  }

  async updatePreferences(
    userId: string,
    body: UpdateNotificationPreferencesDto,
  ): Promise<NotificationPreferencesResponse> {
    const changes: Partial<Record<NotificationType, boolean>> = {};
    for (const [type, setting] of Object.entries(body) as [
      NotificationType,
      { inApp: boolean } | undefined,
    ][]) {
      if (setting !== undefined) changes[type] = setting.inApp;
    }
    return toPreferencesResponse(await this.notifications.updatePreferences(userId, changes));
  }
}
