import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type HydratedDocument, Types } from 'mongoose';

/** How many rotated-away secrets a session remembers for reuse detection (docs/api.md#refresh). */
export const PAST_SECRETS_KEPT = 32;

export type SessionRevokedReason =
  | 'logout'
  | 'password_change'
  | 'password_reset'
  | 'reuse'
  | 'limit'
  /** Ended from the session list (X7): one session, or all but the caller's. */
  | 'revoked_by_user';

/**
 * One signed-in device (docs/api.md#tokens). Only hashes of refresh secrets are stored, and never
 * selected by default.
 */
@Schema({ timestamps: true, collection: 'sessions' })
export class Session {
  /**
   * 16 random bytes in base64url (TokenService.newSessionId), not an ObjectId: tokens carry this
   * id, and anyone who knows it may present it, so it must not be predictable.
   */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ type: Types.ObjectId, required: true })
  user: Types.ObjectId;

  /** SHA-256 of the current refresh secret. */
  @Prop({ required: true, select: false })
  tokenHash: string;

  /** SHA-256 of the secret replaced by the last rotation (grace window for concurrent tabs). */
  @Prop({ type: String, default: null, select: false })
  previousTokenHash: string | null;

  /**
   * SHA-256 of the secrets this session issued and rotated away, oldest first, at most
   * PAST_SECRETS_KEPT. Only one of these proves reuse; a secret we never issued proves nothing
   * (whoever sends it may only know the session id) and must not revoke anything.
   */
  @Prop({ type: [String], default: [], select: false })
  pastTokenHashes: string[];

  @Prop({ type: Date, default: null })
  rotatedAt: Date | null;

  @Prop({ required: true })
  expiresAt: Date;

  @Prop({ type: Date, default: null })
  revokedAt: Date | null;

  @Prop({ type: String, default: null })
  revokedReason: SessionRevokedReason | null;

  /**
   * Login, the last rotation, and authenticated requests, at most once a minute
   * (`SessionsService.authenticate`): the session list's "last used" and the session limit's
   * least recently used.
   */
  @Prop({ required: true })
  lastUsedAt: Date;

  /** As the client sent it at login or the last rotation, trimmed to USER_AGENT_MAX_LENGTH; '' when none. */
  @Prop({ default: '' })
  userAgent: string;

  /**
   * Where the client was at login or the last rotation, coarsely: IPv4 /24 or IPv6 /48
   * (`coarseIpHint`); null when the address was not an IP. The full address is never stored.
   */
  @Prop({ type: String, default: null })
  ipHint: string | null;

  /**
   * Legacy: the full client address that sessions created before `ipHint` stored. Never written;
   * removed from a session at its next use (touch or rotation), and until then shown as its hint.
   */
  @Prop({ type: String, select: false })
  ip?: string;

  createdAt: Date;
  updatedAt: Date;
}

export type SessionDocument = HydratedDocument<Session>;
export type SessionRecord = Session;

export const SessionSchema = SchemaFactory.createForClass(Session);
// session limit (live sessions, most recently used first, `_id` breaking ties); revoke all or others
SessionSchema.index({ user: 1, revokedAt: 1, lastUsedAt: -1, _id: -1 });
// purge of dead sessions; expiry itself is always checked by comparing timestamps
SessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 7 * 86400 });
