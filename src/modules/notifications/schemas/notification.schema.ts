import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';
import {
  NOTIFICATION_RETENTION_DAYS,
  NOTIFICATION_TYPES,
  type NotificationType,
  SUBJECT_KINDS,
  type SubjectKind,
} from 'src/modules/notifications/notification-types.constant';

/**
 * One item of a user's notifications: a group of actors who did one kind of thing to one subject
 * within NOTIFICATION_GROUP_WINDOW_MS of the group's start. Who is in the group is kept in
 * `notificationactors` (one row per distinct actor), so `actorCount` is exact and an undo can
 * take one actor out; `actors` is only the newest few, for display.
 */
@Schema({ timestamps: true, versionKey: false, collection: 'notifications' })
export class Notification {
  /** Whose notification. */
  @Prop({ type: Types.ObjectId, required: true })
  recipient: Types.ObjectId;

  @Prop({ type: String, required: true, enum: NOTIFICATION_TYPES })
  type: NotificationType;

  @Prop({ type: String, required: true, enum: SUBJECT_KINDS })
  subjectKind: SubjectKind;

  @Prop({ type: Types.ObjectId, required: true })
  subject: Types.ObjectId;

  /** The video's title or the first characters of the comment or post, as they were when written. */
  @Prop({ type: String, default: '' })
  excerpt: string;

  /** Every document whose deletion takes this notification with it (subject, its video or post, its thread). */
  @Prop({ type: [Types.ObjectId], default: [] })
  refs: Types.ObjectId[];

  /** When the group opened; actions after the window start a new group. */
  @Prop({ required: true })
  windowStart: Date;

  /** The newest actors, newest last, at most NOTIFICATION_ACTOR_SAMPLE. */
  @Prop({ type: [Types.ObjectId], default: [] })
  actors: Types.ObjectId[];

  /** Distinct actors in the group, moved with the actor rows. */
  @Prop({ default: 0 })
  actorCount: number;

  @Prop({ default: false })
  read: boolean;

  /** The group's last action: the list's sort key, so a new action moves the group to the top. */
  @Prop({ required: true })
  activityAt: Date;

  createdAt: Date;
  updatedAt: Date;
}

export type NotificationDocument = HydratedDocument<Notification>;

export const NotificationSchema = SchemaFactory.createForClass(Notification);
// one group per (recipient, type, subject, window): the open group's lookup (newest window
// first) and the new-video fan-out's duplicate check
NotificationSchema.index({ recipient: 1, type: 1, subject: 1, windowStart: -1 }, { unique: true });
// GET /notifications: the caller's items, newest action first (keyset)
NotificationSchema.index({ recipient: 1, activityAt: -1, _id: -1 });
// GET /notifications?unread=…, the unread count, read-all
NotificationSchema.index({ recipient: 1, read: 1, activityAt: -1, _id: -1 });
// cascades: everything pointing at a deleted video, comment, post or user
NotificationSchema.index({ refs: 1 });
// retention: clean-up only, the list never depends on it
NotificationSchema.index(
  { activityAt: 1 },
  { expireAfterSeconds: NOTIFICATION_RETENTION_DAYS * 86400 },
);
