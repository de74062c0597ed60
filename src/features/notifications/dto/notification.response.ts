import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  NOTIFICATION_ACTORS_SHOWN,
  NOTIFICATION_TYPES,
  NOTIFICATION_UNREAD_COUNT_CAP,
  type NotificationType,
  SUBJECT_KINDS,
  type SubjectKind,
} from 'src/modules/notifications/notification-types.constant';
import { NOTIFICATIONS_MAX_LIMIT } from 'src/features/notifications/dto/list-notifications-query.dto';

/** A user as a notification's actor. */
export class NotificationActorResponse {
  @ApiProperty({ example: '665f1c2e8b3f4a0012ab34cd' })
  _id: string;

  username: string;
  fullName: string;
  profileImage: string;
}

/** What the notification is about. */
export class NotificationSubjectResponse {
  @ApiProperty({ enum: SUBJECT_KINDS })
  kind: SubjectKind;

  @ApiProperty({ example: '665f1c2e8b3f4a0012ab34cd' })
  _id: string;

  @ApiPropertyOptional({ description: "A video's title (kind `video`)" })
  title?: string;

  @ApiPropertyOptional({
    description:
      "The start of a comment's or post's text (kinds `comment`, `communitypost`), as it was when the notification was written",
  })
  excerpt?: string;
}

export class NotificationResponse {
  @ApiProperty({ example: '665f1c2e8b3f4a0012ab34cd' })
  _id: string;

  @ApiProperty({ enum: NOTIFICATION_TYPES })
  type: NotificationType;

  @ApiProperty({
    type: () => [NotificationActorResponse],
    maxItems: NOTIFICATION_ACTORS_SHOWN,
    description:
      'The newest actors first; `actorCount` counts all of them. Empty for the types the system causes (`video_ready`, `video_processing_failed`)',
  })
  actors: NotificationActorResponse[];

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Distinct users in the group; 0 for the types the system causes',
  })
  actorCount: number;

  subject: NotificationSubjectResponse;

  read: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    description: "The group's last action (the list's order)",
  })
  updatedAt: string;
}

/** A page of notifications, newest action first, continued by `nextCursor`. */
export class NotificationPageResponse {
  @ApiProperty({ type: () => [NotificationResponse] })
  docs: NotificationResponse[];

  @ApiProperty({ type: 'integer', minimum: 1, maximum: NOTIFICATIONS_MAX_LIMIT, example: 20 })
  limit: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor: string | null;
}

export class UnreadCountResponse {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: NOTIFICATION_UNREAD_COUNT_CAP,
    description: `Unread items, exact up to ${NOTIFICATION_UNREAD_COUNT_CAP} (more count as ${NOTIFICATION_UNREAD_COUNT_CAP})`,
  })
  count: number;
}

/** `POST /notifications/read-all`: how many items this call marked read (0 on a repeat). */
export class ReadAllResponse {
  @ApiProperty({ type: 'integer', minimum: 0 })
  marked: number;
}
