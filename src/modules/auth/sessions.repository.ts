import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import {
  Session,
  type SessionRecord,
  type SessionRevokedReason,
} from 'src/modules/auth/schemas/session.schema';

/** What refresh and logout need to judge a presented refresh token. */
export type RefreshableSession = Pick<
  SessionRecord,
  '_id' | 'user' | 'tokenHash' | 'previousTokenHash' | 'rotatedAt' | 'expiresAt' | 'revokedAt'
>;

export interface NewSession {
  user: Types.ObjectId;
  tokenHash: string;
  expiresAt: Date;
  lastUsedAt: Date;
  userAgent: string;
  ip: string;
}

/** Sessions over the limit revoked in one pass; a user never has many more (one login adds one). */
const LIMIT_SWEEP_BATCH = 100;

@Injectable()
export class SessionsRepository {
  constructor(@InjectModel(Session.name) private readonly sessions: Model<Session>) {}

  /** The session behind an access token, if it is still live and belongs to that user. */
  findLive(sessionId: string, userId: string, now: Date): Promise<SessionRecord | null> {
    return this.sessions
      .findOne({
        _id: new Types.ObjectId(sessionId),
        user: new Types.ObjectId(userId),
        revokedAt: null,
        expiresAt: { $gt: now },
      })
      .select({ _id: 1, user: 1 })
      .lean<SessionRecord>()
      .exec();
  }

  async create(session: NewSession): Promise<Types.ObjectId> {
    const created = await this.sessions.create({
      ...session,
      previousTokenHash: null,
      rotatedAt: null,
      revokedAt: null,
    });
    return created._id;
  }

  /**
   * §1.9: keeps the `max` most recently used live sessions of a user and revokes the rest.
   * Idempotent, so two concurrent logins revoking the same extra session do no harm.
   */
  async revokeBeyondLimit(userId: Types.ObjectId, max: number, now: Date): Promise<number> {
    const excess = await this.sessions
      .find({ user: userId, revokedAt: null, expiresAt: { $gt: now } })
      .sort({ lastUsedAt: -1, _id: -1 })
      .skip(max)
      .limit(LIMIT_SWEEP_BATCH)
      .select({ _id: 1 })
      .lean<Pick<SessionRecord, '_id'>[]>()
      .exec();
    if (excess.length === 0) return 0;
    const result = await this.sessions
      .updateMany(
        { _id: { $in: excess.map((session) => session._id) }, revokedAt: null },
        { $set: { revokedAt: now, revokedReason: 'limit' satisfies SessionRevokedReason } },
      )
      .exec();
    return result.modifiedCount;
  }

  findRefreshable(sessionId: string): Promise<RefreshableSession | null> {
    return this.sessions
      .findOne({ _id: new Types.ObjectId(sessionId) })
      .select({
        user: 1,
        tokenHash: 1,
        previousTokenHash: 1,
        rotatedAt: 1,
        expiresAt: 1,
        revokedAt: 1,
      })
      .lean<RefreshableSession>()
      .exec();
  }

  /**
   * Rotation as one compare-and-set on the current hash: of two concurrent refreshes with the
   * same token exactly one matches; the other sees the new hash and falls to the grace rule.
   */
  async rotate(
    sessionId: Types.ObjectId,
    presentedHash: string,
    nextHash: string,
    now: Date,
    expiresAt: Date,
  ): Promise<boolean> {
    const result = await this.sessions
      .updateOne(
        { _id: sessionId, tokenHash: presentedHash, revokedAt: null, expiresAt: { $gt: now } },
        {
          $set: {
            tokenHash: nextHash,
            previousTokenHash: presentedHash,
            rotatedAt: now,
            lastUsedAt: now,
            expiresAt,
          },
        },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  async revoke(
    sessionId: Types.ObjectId,
    reason: SessionRevokedReason,
    now: Date,
  ): Promise<boolean> {
    const result = await this.sessions
      .updateOne(
        { _id: sessionId, revokedAt: null },
        { $set: { revokedAt: now, revokedReason: reason } },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  /** Change-password (every session but the current one) and reset-password (all of them). */
  async revokeAllOfUser(
    userId: Types.ObjectId,
    reason: SessionRevokedReason,
    now: Date,
    exceptSessionId?: Types.ObjectId,
  ): Promise<number> {
    const result = await this.sessions
      .updateMany(
        {
          user: userId,
          revokedAt: null,
          ...(exceptSessionId ? { _id: { $ne: exceptSessionId } } : {}),
        },
        { $set: { revokedAt: now, revokedReason: reason } },
      )
      .exec();
    return result.modifiedCount;
  }
}
