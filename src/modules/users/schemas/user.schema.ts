import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument, Types } from 'mongoose';

/** A one-time code in flight (docs/api.md#one-time-codes): only its hash is stored. */
@Schema({ _id: false })
export class PendingCode {
  @Prop({ required: true })
  codeHash: string;

  @Prop({ required: true })
  expiresAt: Date;

  @Prop({ required: true, default: 0 })
  attempts: number;

  @Prop({ required: true })
  sentAt: Date;
}
const PendingCodeSchema = SchemaFactory.createForClass(PendingCode);

@Schema({ _id: false })
export class PendingEmailChange extends PendingCode {
  @Prop({ required: true })
  pendingEmail: string;
}
const PendingEmailChangeSchema = SchemaFactory.createForClass(PendingEmailChange);

/**
 * A channel's figures, maintained by atomic `$inc` in the request that changes them (follows,
 * uploads, publishing, views, likes on the channel's videos, deletions) so a profile or the
 * dashboard reads them instead of counting. `published*` cover the published videos (the public
 * profile), the others all of the owner's videos (the dashboard). The reconcile job recomputes
 * them from the documents and repairs any drift a crash between two writes left behind.
 */
@Schema({ _id: false })
export class ChannelCounters {
  @Prop({ default: 0 })
  followers: number;

  @Prop({ default: 0 })
  following: number;

  @Prop({ default: 0 })
  publishedVideos: number;

  @Prop({ default: 0 })
  publishedViews: number;

  /** Likes on the published videos. */
  @Prop({ default: 0 })
  publishedLikes: number;

  @Prop({ default: 0 })
  videos: number;

  @Prop({ default: 0 })
  views: number;

  /** Likes on all of the owner's videos (not on their comments or posts). */
  @Prop({ default: 0 })
  likes: number;
}
const ChannelCountersSchema = SchemaFactory.createForClass(ChannelCounters);

/** The names of the channel counters, for `$inc` paths and the reconcile job. */
export const CHANNEL_COUNTER_FIELDS = [
  'followers',
  'following',
  'publishedVideos',
  'publishedViews',
  'publishedLikes',
  'videos',
  'views',
  'likes',
] as const satisfies readonly (keyof ChannelCounters)[];

@Schema({ timestamps: true, collection: 'users' })
export class User {
  @Prop({ required: true, lowercase: true, trim: true, maxlength: 30 })
  username: string;

  @Prop({ required: true, lowercase: true, trim: true, maxlength: 254 })
  email: string;

  @Prop({ required: true, trim: true, maxlength: 50 })
  name: string;

  @Prop({ default: '', maxlength: 160 })
  bio: string;

  /** bcrypt hash; read only through the repository's dedicated method. */
  @Prop({ required: true, select: false })
  password: string;

  @Prop({ required: true })
  profileImage: string;

  @Prop({ type: String, default: null })
  profileImageKey: string | null;

  @Prop({ default: false })
  isVerified: boolean;

  @Prop({ type: Date, default: () => new Date() })
  lastRegisteredAt: Date;

  /**
   * Random id of the current registration attempt of a pending account, replaced each time
   * registration overwrites the account in place. Verification codes are bound to it, so a code
   * verifies only the registration it was sent for: a re-registration voids every code issued
   * before it.
   */
  @Prop({ type: String, default: null, select: false })
  registrationNonce: string | null;

  @Prop({ type: PendingCodeSchema, default: null, select: false })
  verification: PendingCode | null;

  @Prop({ type: PendingCodeSchema, default: null, select: false })
  passwordReset: PendingCode | null;

  @Prop({ type: PendingEmailChangeSchema, default: null, select: false })
  emailChange: PendingEmailChange | null;

  /** Maintained figures of the user's channel (see ChannelCounters). */
  @Prop({ type: ChannelCountersSchema, default: () => ({}) })
  channel: ChannelCounters;

  createdAt: Date;
  updatedAt: Date;
}

export type UserDocument = HydratedDocument<User>;
export type UserRecord = User & { _id: Types.ObjectId };

export const UserSchema = SchemaFactory.createForClass(User);
// register, login, forgot, verify, email change; race-safe email uniqueness
UserSchema.index({ email: 1 }, { unique: true });
// register, login, check-username, profile; race-safe username uniqueness
UserSchema.index({ username: 1 }, { unique: true });
// GET /user/search: verified users in username order (then `_id`); the text match filters within it
UserSchema.index({ isVerified: 1, username: 1, _id: 1 });
