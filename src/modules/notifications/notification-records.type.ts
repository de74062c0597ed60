import type { Types } from 'mongoose';
import type {
  NotificationType,
  SubjectKind,
} from 'src/modules/notifications/notification-types.constant';

/** A notification as read (lean). */
export interface NotificationRecord {
  _id: Types.ObjectId;
  recipient: Types.ObjectId;
  type: NotificationType;
  subjectKind: SubjectKind;
  subject: Types.ObjectId;
  excerpt: string;
  actors: Types.ObjectId[];
  actorCount: number;
  read: boolean;
  activityAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** A row of `notificationactors` as the undo reads it. */
export interface NotificationActorRecord {
  _id: Types.ObjectId;
  notification: Types.ObjectId;
  actor: Types.ObjectId;
  recipient: Types.ObjectId;
}

/** A user's stored preferences (lean). */
export interface NotificationPreferenceRecord {
  _id: Types.ObjectId;
  inApp?: Record<string, boolean>;
}
