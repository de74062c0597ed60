import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';
import {
  NOTIFICATION_RETENTION_DAYS,
  NOTIFICATION_TYPES,
  type NotificationType,
} from 'src/modules/notifications/notification-types.constant';

/**
 * One distinct actor of one notification group. The unique {notification, actor} makes adding an
 * actor an `$addToSet` over a collection: only the insert that the index accepts moves the
 * group's `actorCount`, so a repeated or concurrent action counts once and the count stays exact
 * however large the group grows.
 */
@Schema({
  timestamps: { createdAt: 'at', updatedAt: false },
  versionKey: false,
  collection: 'notificationactors',
})
export class NotificationActor {
  @Prop({ type: Types.ObjectId, required: true })
  notification: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  actor: Types.ObjectId;

  /** The group's recipient, type and subject, so an undo finds the row without the group. */
  @Prop({ type: Types.ObjectId, required: true })
  recipient: Types.ObjectId;

  @Prop({ type: String, required: true, enum: NOTIFICATION_TYPES })
  type: NotificationType;

  @Prop({ type: Types.ObjectId, required: true })
  subject: Types.ObjectId;

  /** The group's refs: a cascade removes the rows with their group. */
  @Prop({ type: [Types.ObjectId], default: [] })
  refs: Types.ObjectId[];

  at: Date;
}

export type NotificationActorDocument = HydratedDocument<NotificationActor>;

export const NotificationActorSchema = SchemaFactory.createForClass(NotificationActor);
// one row per (group, actor): the distinct-actor insert; by its prefix, a group's rows (refilling
// the display sample, removing an emptied group's rows)
NotificationActorSchema.index({ notification: 1, actor: 1 }, { unique: true });
// undo (unlike, unfollow, deleted comment): the actor's rows on one subject, of one type
NotificationActorSchema.index({ subject: 1, type: 1, actor: 1, recipient: 1 });
// cascades, with the groups
NotificationActorSchema.index({ refs: 1 });
// retention, as the groups
NotificationActorSchema.index(
  { at: 1 },
  { expireAfterSeconds: NOTIFICATION_RETENTION_DAYS * 86400 },
);
