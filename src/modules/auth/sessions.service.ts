import { Injectable } from '@nestjs/common';
import type { AuthPrincipal, RequestCredentials } from 'src/common/auth/auth-principal.type';
import type { ClientContext } from 'src/common/decorators/client-context.decorator';
import { DomainEvents } from 'src/common/events/domain-events';
import { coarseIpHint } from 'src/common/http/client-ip.util';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { AuthErrors } from 'src/modules/auth/auth.errors';
import {
  PAST_SECRETS_KEPT,
  type SessionRevokedReason,
} from 'src/modules/auth/schemas/session.schema';
import type {
  RevokedSessionsResponse,
  SessionResponse,
} from 'src/modules/auth/dto/session.response';
import { toSessionResponse } from 'src/modules/auth/sessions.mapper';
import {
  type RefreshableSession,
  type SessionClient,
  SessionsRepository,
} from 'src/modules/auth/sessions.repository';
import { TokenService } from 'src/modules/auth/token.service';
import { UsersService } from 'src/modules/users/users.service';

/** `lastUsedAt` is written at most once per this interval per session (no write per request). */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** A session keeps at most this much of a User-Agent: enough to name a browser and system. */
export const USER_AGENT_MAX_LENGTH = 256;

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
}

export type RefreshOutcome =
  /** The presented token was current: the session rotated; both cookies are set. */
  | { kind: 'rotated'; tokens: SessionTokens }
  /** The immediately previous token, within the grace window: a new access token only. */
  | { kind: 'grace'; accessToken: string };

/** Logout: what a caller may name its session with, in order of preference (docs/api.md#logout). */
export interface LogoutCredentials {
  /** Set by the guard when an access token authenticates. */
  principal: AuthPrincipal | null;
  access: RequestCredentials;
  refreshToken: string | undefined;
}

/**
 * Sessions and their tokens (docs/api.md#tokens): one session per login, opaque rotating refresh
 * tokens stored as SHA-256 hashes, reuse detection, the grace window for concurrent tabs, the
 * per-user limit, and revocation. Cookie handling is the caller's business.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly tokens: TokenService,
    private readonly users: UsersService,
    @InjectConfig() private readonly config: AppConfig,
    private readonly events: DomainEvents,
  ) {}

  /**
   * The caller behind an access token's verified claims (the passport strategies' `validate`):
   * a live session of a verified user, or null. Two lookups by unique key, nothing cached, so a
   * revocation takes effect on the next request. Database errors propagate (503, never 401).
   * A session last used more than LAST_USED_RESOLUTION_MS ago records this use first: one
   * conditional write per session and minute, never one per request.
   */
  async authenticate(payload: unknown): Promise<AuthPrincipal | null> {
    const claims = this.tokens.accessClaims(payload);
    if (!claims) return null;
    const now = new Date();
    const session = await this.sessions.findLive(claims.sid, claims.sub, now);
    if (!session || !(await this.users.isVerified(claims.sub))) return null;
    const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    if (session.lastUsedAt.getTime() < staleBefore.getTime())
      await this.sessions.touch(session._id, now, staleBefore);
    return { userId: claims.sub, sessionId: claims.sid };
  }

  /** Whether a session is still live (for connections held open past the request that opened them). */
  async isLive(sessionId: string, userId: string): Promise<boolean> {
    return (await this.sessions.findLive(sessionId, userId, new Date())) !== null;
  }

  /** `GET /auth/sessions`: the caller's live sessions, most recently used first, the current one flagged. */
  async list(principal: AuthPrincipal): Promise<SessionResponse[]> {
    const sessions = await this.sessions.listLive(principal.userId, new Date());
    return sessions.map((session) => toSessionResponse(session, principal.sessionId));
  }

  /**
   * `DELETE /auth/sessions/:sessionId`: ends one of the caller's live sessions, the current one
   * included. Someone else's, an
   * unknown, revoked or expired one are the same 404. Returns whether it was the current one.
   */
  async revokeOwn(principal: AuthPrincipal, sessionId: string): Promise<{ current: boolean }> {
    const revoked = await this.sessions.revokeOwn(
      sessionId,
      principal.userId,
      'revoked_by_user',
      new Date(),
    );
    if (!revoked) throw AuthErrors.sessionNotFound();
    await this.ended(principal.userId, 1);
    return { current: sessionId === principal.sessionId };
  }

  /** `DELETE /auth/sessions`: ends every live session of the caller but the current one; how many. */
  async revokeOthersOf(principal: AuthPrincipal): Promise<RevokedSessionsResponse> {
    const revoked = await this.sessions.revokeAllOfUser(
      principal.userId,
      'revoked_by_user',
      new Date(),
      principal.sessionId,
    );
    await this.ended(principal.userId, revoked);
    return { revoked };
  }

  /** Login: a new session (revoking the least recently used over the limit) and its two tokens. */
  async open(userId: string, client: ClientContext): Promise<SessionTokens> {
    const now = new Date();
    const secret = this.tokens.newRefreshSecret();
    const sessionId = this.tokens.newSessionId();
    await this.sessions.create({
      _id: sessionId,
      userId,
      tokenHash: this.tokens.hashSecret(secret),
      expiresAt: this.slidingExpiry(now),
      lastUsedAt: now,
      ...sessionClient(client),
    });
    await this.ended(
      userId,
      await this.sessions.revokeBeyondLimit(userId, this.config.auth.maxSessionsPerUser, now),
    );
    return {
      accessToken: await this.tokens.signAccessToken(userId, sessionId),
      refreshToken: this.tokens.composeRefreshToken(sessionId, secret),
    };
  }

  /**
   * Refresh: 401 UNAUTHORIZED without a token, INVALID_REFRESH_TOKEN for any other failure. A
   * rotation records the client's User-Agent and IP hint as the session's latest.
   */
  async refresh(rawToken: string | undefined, client: ClientContext): Promise<RefreshOutcome> {
    if (rawToken === undefined) throw AuthErrors.unauthorized();
    const parsed = this.tokens.parseRefreshToken(rawToken);
    if (!parsed) throw AuthErrors.invalidRefreshToken();
    const now = new Date();
    const session = await this.sessions.findRefreshable(parsed.sessionId);
    if (!session || !isLive(session, now)) throw AuthErrors.invalidRefreshToken();
    const userId = session.user.toHexString();
    if (!(await this.users.isVerified(userId))) throw AuthErrors.invalidRefreshToken();

    const presented = this.tokens.hashSecret(parsed.secret);
    if (!this.tokens.hashesEqual(presented, session.tokenHash))
      return this.judgePastToken(session, presented, now);

    const secret = this.tokens.newRefreshSecret();
    const rotated = await this.sessions.rotate(
      session._id,
      presented,
      this.tokens.hashSecret(secret),
      now,
      this.slidingExpiry(now),
      PAST_SECRETS_KEPT,
      sessionClient(client),
    );
    if (!rotated) {
      // A concurrent refresh with the same token rotated first: judged again, this request is
      // normally the grace case (or the session was revoked meanwhile).
      const current = await this.sessions.findRefreshable(parsed.sessionId);
      if (!current || !isLive(current, now)) throw AuthErrors.invalidRefreshToken();
      return this.judgePastToken(current, presented, now);
    }
    const sessionId = session._id;
    return {
      kind: 'rotated',
      tokens: {
        accessToken: await this.tokens.signAccessToken(userId, sessionId),
        refreshToken: this.tokens.composeRefreshToken(sessionId, secret),
      },
    };
  }

  /**
   * Logout: ends the session named by, in order, an access token that authenticates (the guard's
   * principal), an access token whose only defect is expiry, or the refresh token. Throws 401
   * when none names a live one.
   */
  async logout(credentials: LogoutCredentials): Promise<void> {
    const now = new Date();
    const sessionId =
      credentials.principal?.sessionId ??
      (await this.sessionOfExpiredAccessToken(credentials.access, now)) ??
      (await this.sessionOfRefreshToken(credentials.refreshToken, now));
    const owner = sessionId ? await this.sessions.revoke(sessionId, 'logout', now) : null;
    if (owner === null) throw AuthErrors.unauthorized();
    await this.ended(owner, 1);
  }

  /** Change-password: every session of the user but the current one. */
  async revokeOthers(userId: string, currentSessionId: string): Promise<void> {
    await this.ended(
      userId,
      await this.sessions.revokeAllOfUser(userId, 'password_change', new Date(), currentSessionId),
    );
  }

  /** Password reset: every session of the user. */
  async revokeAll(
    userId: string,
    reason: Extract<SessionRevokedReason, 'password_reset'>,
  ): Promise<void> {
    await this.ended(userId, await this.sessions.revokeAllOfUser(userId, reason, new Date()));
  }

  /** Announces that `count` sessions of the user ended (nothing when none did). */
  private async ended(userId: string, count: number): Promise<void> {
    if (count > 0) await this.events.publish('sessions.revoked', { userId });
  }

  /**
   * A token that is not the current one: the grace case; reuse of a secret this session issued
   * before, which revokes the session; or a secret it never issued, which is only refused. Whoever
   * sends an unknown secret may know nothing but the session id, and must not be able to sign
   * its owner out.
   */
  private async judgePastToken(
    session: RefreshableSession,
    presented: string,
    now: Date,
  ): Promise<RefreshOutcome> {
    const graceMs = this.config.auth.refreshReuseGraceSeconds * 1000;
    const isPrevious =
      !!session.previousTokenHash && this.tokens.hashesEqual(presented, session.previousTokenHash);
    if (isPrevious && session.rotatedAt && now.getTime() - session.rotatedAt.getTime() <= graceMs) {
      return {
        kind: 'grace',
        accessToken: await this.tokens.signAccessToken(session.user.toHexString(), session._id),
      };
    }
    const issuedBefore =
      isPrevious ||
      (session.pastTokenHashes ?? []).some((hash) => this.tokens.hashesEqual(presented, hash));
    if (issuedBefore && (await this.sessions.revoke(session._id, 'reuse', now)) !== null)
      await this.ended(session.user.toHexString(), 1);
    throw AuthErrors.invalidRefreshToken();
  }

  private async sessionOfExpiredAccessToken(
    access: RequestCredentials,
    now: Date,
  ): Promise<string | null> {
    for (const token of [access.bearer, access.cookie]) {
      if (token === undefined) continue;
      const claims = await this.tokens.expiredTokenClaims(token);
      if (!claims) continue;
      const session = await this.sessions.findLive(claims.sid, claims.sub, now);
      if (session) return session._id;
    }
    return null;
  }

  /** The refresh token names its session when it is the current one or the one it just replaced. */
  private async sessionOfRefreshToken(
    rawToken: string | undefined,
    now: Date,
  ): Promise<string | null> {
    const parsed = rawToken === undefined ? null : this.tokens.parseRefreshToken(rawToken);
    if (!parsed) return null;
    const session = await this.sessions.findRefreshable(parsed.sessionId);
    if (!session || !isLive(session, now)) return null;
    const presented = this.tokens.hashSecret(parsed.secret);
    const known =
      this.tokens.hashesEqual(presented, session.tokenHash) ||
      (!!session.previousTokenHash &&
        this.tokens.hashesEqual(presented, session.previousTokenHash));
    return known ? session._id : null;
  }

  private slidingExpiry(now: Date): Date {
    return new Date(now.getTime() + this.config.auth.refreshTtlSeconds * 1000);
  }
}

/** What a session keeps of its client: a trimmed User-Agent and a coarse IP hint, never the address. */
function sessionClient(client: ClientContext): SessionClient {
  return {
    userAgent: client.userAgent.trim().slice(0, USER_AGENT_MAX_LENGTH),
    ipHint: coarseIpHint(client.ip),
  };
}

function isLive(session: RefreshableSession, now: Date): boolean {
  return !session.revokedAt && session.expiresAt.getTime() > now.getTime();
}
