import { Injectable } from '@nestjs/common';
import type {
  NotificationResponse,
  UnreadCountResponse,
} from 'src/features/notifications/dto/notification.response';
import { toNotificationResponse } from 'src/features/notifications/notifications.mapper';
import {
  type NotificationView,
  NotificationsService,
} from 'src/modules/notifications/notifications.service';
import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import { UsersService } from 'src/modules/users/users.service';

/** Items and the unread count as clients get them, for the list and the stream alike. */
@Injectable()
export class NotificationResponsesService {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly users: UsersService,
  ) {}

  /** The items with their shown actors, read in one query. */
  async items(views: NotificationView[]): Promise<NotificationResponse[]> {
    const actorIds = [...new Set(views.flatMap((view) => view.actorIds))];
    const users =
      actorIds.length === 0
        ? new Map<string, OwnerLiteResponse>()
        : await this.users.findOwnerLites(actorIds);
    return views.map((view) => toNotificationResponse(view, users));
  }

  async unreadCount(userId: string): Promise<UnreadCountResponse> {
    return { count: await this.notifications.unreadCount(userId) };
  }
}
