import { Prop, Schema, SchemaFactory, raw } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

/**
 * A user's notification preferences, `_id` = the user. `inApp.<type>: false` turns a type off;
 * a type not stored is on, so a user without a document gets every notification.
 */
@Schema({ timestamps: true, versionKey: false, collection: 'notificationpreferences' })
export class NotificationPreference {
  @Prop({ type: Types.ObjectId, required: true })
  _id: Types.ObjectId;

  @Prop(raw({ type: Object, default: {} }))
  inApp: Record<string, boolean>;
}

export type NotificationPreferenceDocument = HydratedDocument<NotificationPreference>;

export const NotificationPreferenceSchema = SchemaFactory.createForClass(NotificationPreference);
// (lookups by _id only: the user's preferences, and which of a fan-out batch turned a type off)
