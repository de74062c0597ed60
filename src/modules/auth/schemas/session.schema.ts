import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

export type SessionRevokedReason =
  'logout' | 'password_change' | 'password_reset' | 'reuse' | 'limit';

/** One signed-in device (§1.9). Only hashes of refresh secrets are stored, and never selected by default. */
@Schema({ timestamps: true, collection: 'sessions' })
export class Session {
  @Prop({ type: Types.ObjectId, required: true })
  user: Types.ObjectId;

  /** SHA-256 of the current refresh secret. */
  @Prop({ required: true, select: false })
  tokenHash: string;

  /** SHA-256 of the secret replaced by the last rotation (grace window for concurrent tabs). */
  @Prop({ type: String, default: null, select: false })
  previousTokenHash: string | null;

  @Prop({ type: Date, default: null })
  rotatedAt: Date | null;

  @Prop({ required: true })
  expiresAt: Date;

  @Prop({ type: Date, default: null })
  revokedAt: Date | null;

  @Prop({ type: String, default: null })
  revokedReason: SessionRevokedReason | null;

  @Prop({ required: true })
  lastUsedAt: Date;

  @Prop({ default: '' })
  userAgent: string;

  @Prop({ default: '' })
  ip: string;

  createdAt: Date;
  updatedAt: Date;
}

export type SessionDocument = HydratedDocument<Session>;
export type SessionRecord = Session & { _id: Types.ObjectId };

export const SessionSchema = SchemaFactory.createForClass(Session);
// revoke all or others, session limit (least recently used)
SessionSchema.index({ user: 1, revokedAt: 1, lastUsedAt: -1 });
// purge of dead sessions; expiry itself is always checked by comparing timestamps
SessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 7 * 86400 });
