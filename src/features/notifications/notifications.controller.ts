import {
  Body,
  Controller,
  Get,
  Headers,
  type MessageEvent,
  Param,
  Patch,
  Post,
  Query,
  Sse,
} from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { RawResponse } from 'src/common/decorators/response-message.decorator';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import { PaginationErrors } from 'src/common/pagination/pagination.errors';
import { ListNotificationsQueryDto } from 'src/features/notifications/dto/list-notifications-query.dto';
import {
  NotificationPreferencesResponse,
  UpdateNotificationPreferencesDto,
} from 'src/features/notifications/dto/notification-preferences.dto';
import {
  NotificationPageResponse,
  ReadAllResponse,
  UnreadCountResponse,
} from 'src/features/notifications/dto/notification.response';
import { NotificationInboxService } from 'src/features/notifications/notification-inbox.service';
import {
  NOTIFICATION_HEARTBEAT_MS,
  NOTIFICATION_REPLAY_LIMIT,
} from 'src/features/notifications/notification-stream.constant';
import { NotificationStreamService } from 'src/features/notifications/notification-stream.service';
import { NotificationsErrors } from 'src/features/notifications/notifications.errors';
import { NotificationsMessages } from 'src/features/notifications/notifications.messages';

/** `/notifications`: the caller's notifications, their read state and preferences (docs/api.md#notifications). */
@ApiTags('Notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(
    private readonly inbox: NotificationInboxService,
    private readonly streams: NotificationStreamService,
  ) {}

  // Outside the envelope: an event stream, not a JSON answer (docs/api.md#notification-stream).
  @RequiredAuth()
  @RawResponse()
  @Sse('stream')
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: `The id of the last event received: the items changed since are sent again first (at most ${NOTIFICATION_REPLAY_LIMIT})`,
  })
  @ApiOkResponse({
    description: `Server-sent events: \`notification\` (a new or updated item, as in the list; id = its last action in ms), \`notification-removed\` (\`{ _id }\`), \`unread-count\` (\`{ count }\`, first on connect and after every change); a \`: heartbeat\` comment every ${NOTIFICATION_HEARTBEAT_MS / 1000} s`,
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  stream(
    @CurrentUser() user: AuthPrincipal,
    @Headers('last-event-id') lastEventId?: string,
  ): Observable<MessageEvent> {
    return this.streams.connect(user, lastEventId);
  }

  @RequiredAuth()
  @Get()
  @Endpoint({
    message: NotificationsMessages.listed,
    data: NotificationPageResponse,
    errors: [PaginationErrors.invalidCursor],
  })
  list(
    @Query() query: ListNotificationsQueryDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<NotificationPageResponse> {
    return this.inbox.page(user.userId, query);
  }

  @RequiredAuth()
  @Get('unread-count')
  @Endpoint({ message: NotificationsMessages.unreadCounted, data: UnreadCountResponse })
  unreadCount(@CurrentUser() user: AuthPrincipal): Promise<UnreadCountResponse> {
    return this.inbox.unreadCount(user.userId);
  }

  @RequiredAuth()
  @Post('read-all')
  @Endpoint({ message: NotificationsMessages.allMarkedRead, data: ReadAllResponse })
  readAll(@CurrentUser() user: AuthPrincipal): Promise<ReadAllResponse> {
    return this.inbox.markAllRead(user.userId);
  }

  @RequiredAuth()
  @Post(':notificationId/read')
  @Endpoint({
    message: NotificationsMessages.markedRead,
    data: null,
    errors: [NotificationsErrors.notFound],
  })
  read(
    @Param('notificationId') notificationId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<null> {
    return this.inbox.markRead(user.userId, notificationId);
  }

  @RequiredAuth()
  @Get('preferences')
  @Endpoint({
    message: NotificationsMessages.preferencesFetched,
    data: NotificationPreferencesResponse,
  })
  preferences(@CurrentUser() user: AuthPrincipal): Promise<NotificationPreferencesResponse> {
    return this.inbox.preferences(user.userId);
  }

  @RequiredAuth()
  @Patch('preferences')
  @Endpoint({
    message: NotificationsMessages.preferencesUpdated,
    data: NotificationPreferencesResponse,
  })
  updatePreferences(
    @Body() body: UpdateNotificationPreferencesDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<NotificationPreferencesResponse> {
    return this.inbox.updatePreferences(user.userId, body);
  }
}
