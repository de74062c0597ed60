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
  | '_id'
  | 'user'
  | 'tokenHash'
  | 'previousTokenHash'
  | 'pastTokenHashes'
  | 'rotatedAt'
  | 'expiresAt'
  | 'revokedAt'
>;

/** Where a session's client is, as a session stores it (never the full address). */
export interface SessionClient {
  userAgent: string;
  ipHint: string | null;
}

export interface NewSession extends SessionClient {
  /** A random id (TokenService.newSessionId). */
  _id: string;
  userId: string;
  tokenHash: string;
  expiresAt: Date;
  lastUsedAt: Date;
}

/** A live session as the session list shows it; `ip` only on sessions older than `ipHint`. */
export type ListedSession = Pick<
  SessionRecord,
  '_id' | 'createdAt' | 'lastUsedAt' | 'userAgent' | 'ipHint' | 'ip'
>;

/** A live session as authentication sees it. */
export type LiveSession = Pick<SessionRecord, '_id' | 'user' | 'lastUsedAt'>;

/** Sessions over the limit revoked in one pass; a user never has many more (one login adds one). */
const LIMIT_SWEEP_BATCH = 100;

/**
 * The most sessions a list returns. The session limit keeps a user at MAX_SESSIONS_PER_USER live
 * ones (20 by default; concurrent logins may overshoot it by a few until the next login sweeps).
 */
const LIST_MAX = 100;

@Injectable()
export class SessionsRepository {
  constructor(@InjectModel(Session.name) private readonly sessions: Model<Session>) {}

  /**
   * The session behind an access token, if it is still live and belongs to that user. Runs on
   * every authenticated request, so it is a lookup by `_id` alone, and the other conditions are
   * checked here: the embedded engine uses an index only for a filter that is exactly a unique key.
   */
  async findLive(sessionId: string, userId: string, now: Date): Promise<LiveSession | null> {
    const session = await this.sessions
      .findOne({ _id: sessionId })
      .select({ user: 1, revokedAt: 1, expiresAt: 1, lastUsedAt: 1 })
      .lean<Pick<SessionRecord, '_id' | 'user' | 'revokedAt' | 'expiresAt' | 'lastUsedAt'>>()
      .exec();
    const live =
      !!session &&
      !session.revokedAt &&
      session.expiresAt.getTime() > now.getTime() &&
      session.user.equals(userId);
    return live ? { _id: session._id, user: session.user, lastUsedAt: session.lastUsedAt } : null;
  }

  /**
   * Records a use of the session unless one was recorded since `staleBefore`. Conditional, so of
   * concurrent requests that all found the session stale one writes and the others match nothing,
   * and `lastUsedAt` never moves back. Drops a legacy full address on the way.
   */
  async touch(sessionId: string, now: Date, staleBefore: Date): Promise<void> {
    await this.sessions
      .updateOne(
        { _id: sessionId, lastUsedAt: { $lt: staleBefore } },
        { $set: { lastUsedAt: now }, $unset: { ip: 1 } },
        // A use is not a change of the session: `updatedAt` stays.
        { timestamps: false },
      )
      .exec();
  }

  /** The session list: the user's live sessions, most recently used first (`_id` breaking ties). */
  listLive(userId: string, now: Date): Promise<ListedSession[]> {
    return this.sessions
      .find({ user: new Types.ObjectId(userId), revokedAt: null, expiresAt: { $gt: now } })
      .sort({ lastUsedAt: -1, _id: -1 })
      .limit(LIST_MAX)
      .select({ createdAt: 1, lastUsedAt: 1, userAgent: 1, ipHint: 1, ip: 1 })
      .lean<ListedSession[]>()
      .exec();
  }

  /**
   * The session list: revokes one live session of this user. False when there is none by that id for this user
   * (unknown, someone else's, already revoked or expired): one answer for all of them.
   */
  async revokeOwn(
    sessionId: string,
    userId: string,
    reason: SessionRevokedReason,
    now: Date,
  ): Promise<boolean> {
    const result = await this.sessions
      .updateOne(
        {
          _id: sessionId,
          user: new Types.ObjectId(userId),
          revokedAt: null,
          expiresAt: { $gt: now },
        },
        { $set: { revokedAt: now, revokedReason: reason } },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  async create({ userId, ...session }: NewSession): Promise<void> {
    await this.sessions.create({
      ...session,
      user: new Types.ObjectId(userId),
      previousTokenHash: null,
      pastTokenHashes: [],
      rotatedAt: null,
      revokedAt: null,
    });
  }

  /**
   * The session limit: keeps the `max` most recently used live sessions of a user and revokes the
   * rest. Idempotent, so two concurrent logins revoking the same extra session do no harm.
   */
  async revokeBeyondLimit(userId: string, max: number, now: Date): Promise<number> {
    const excess = await this.sessions
      .find({ user: new Types.ObjectId(userId), revokedAt: null, expiresAt: { $gt: now } })
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
      .findOne({ _id: sessionId })
      .select({
        user: 1,
        tokenHash: 1,
        previousTokenHash: 1,
        pastTokenHashes: 1,
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
   * The replaced hash joins the bounded list of past ones (the oldest fall off beyond `keepPast`).
   */
  async rotate(
    sessionId: string,
    presentedHash: string,
    nextHash: string,
    now: Date,
    expiresAt: Date,
    keepPast: number,
    client: SessionClient,
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
            userAgent: client.userAgent,
            ipHint: client.ipHint,
          },
          $unset: { ip: 1 },
          $push: { pastTokenHashes: { $each: [presentedHash], $slice: -keepPast } },
        },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  /** Revokes one session by id; its owner's id, or null when it was unknown or revoked already. */
  async revoke(sessionId: string, reason: SessionRevokedReason, now: Date): Promise<string | null> {
    const revoked = await this.sessions
      .findOneAndUpdate(
        { _id: sessionId, revokedAt: null },
        { $set: { revokedAt: now, revokedReason: reason } },
        { projection: { user: 1 } },
      )
      .lean<Pick<SessionRecord, 'user'>>()
      .exec();
    return revoked ? revoked.user.toHexString() : null;
  }

  /**
   * Change-password and the session list (every live session but the current one) and
   * reset-password (all of them). Returns how many were revoked.
   */
  async revokeAllOfUser(
    userId: string,
    reason: SessionRevokedReason,
    now: Date,
    exceptSessionId?: string,
  ): Promise<number> {
    const result = await this.sessions
      .updateMany(
        {
          user: new Types.ObjectId(userId),
          revokedAt: null,
          expiresAt: { $gt: now },
          ...(exceptSessionId ? { _id: { $ne: exceptSessionId } } : {}),
        },
        { $set: { revokedAt: now, revokedReason: reason } },
      )
      .exec();
    return result.modifiedCount;
  }
}
