import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { isSessionId } from 'src/common/auth/session-id.util';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';

export interface AccessClaims {
  sub: string;
  sid: string;
}

/** A user id as `signAccessToken` writes it: 24 lowercase hex digits. */
const USER_ID = /^[0-9a-f]{24}$/;
const REFRESH_TOKEN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** Access JWTs (HS256) and opaque refresh tokens `<sessionId>.<secret>` (docs/api.md#tokens). */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  signAccessToken(userId: string, sessionId: string): Promise<string> {
    return this.jwt.signAsync(
      { sub: userId, sid: sessionId },
      {
        secret: this.config.auth.accessSecret,
        algorithm: 'HS256',
        expiresIn: this.config.auth.accessTtlSeconds,
      },
    );
  }

  /**
   * The claims the API signs, or null: `sub` a user id as `signAccessToken` writes it (24
   * lowercase hex digits) and `sid` a session id. Whatever else a genuine token carries, it names
   * no session.
   */
  accessClaims(payload: unknown): AccessClaims | null {
    if (typeof payload !== 'object' || payload === null) return null;
    const { sub, sid } = payload as Record<string, unknown>;
    return typeof sub === 'string' && USER_ID.test(sub) && isSessionId(sid) ? { sub, sid } : null;
  }

  /**
   * Logout only: the claims of a genuine token whose only defect is its expiry (signature and
   * algorithm still checked), so an expired access token can still name the session to end.
   * Authentication itself is passport-jwt's (`access-token.strategy.ts`).
   */
  async expiredTokenClaims(token: string): Promise<AccessClaims | null> {
    const verify = (ignoreExpiration: boolean): Promise<unknown> =>
      this.jwt.verifyAsync<Record<string, unknown>>(token, {
        secret: this.config.auth.accessSecret,
        algorithms: ['HS256'],
        ignoreExpiration,
      });
    try {
      await verify(false);
      return null; // still valid, so not this rule's business
    } catch (error) {
      // jsonwebtoken checks the signature before the expiry: an expiry error means a genuine token.
      if (!(error instanceof Error && error.name === 'TokenExpiredError')) return null;
    }
    return this.accessClaims(await verify(true).catch(() => null));
  }

  /**
   * A session id names the session in the access token (`sid`) and in the refresh token, so it
   * must be unguessable on its own: 128 random bits. An ObjectId would not do: it is a timestamp
   * plus a per-process counter, predictable from any two public ids created around a login.
   */
  newSessionId(): string {
    return randomBytes(16).toString('base64url');
  }

  newRefreshSecret(): string {
    return randomBytes(32).toString('base64url');
  }

  hashSecret(secret: string): string {
    return createHash('sha256').update(secret).digest('hex');
  }

  composeRefreshToken(sessionId: string, secret: string): string {
    return `${sessionId}.${secret}`;
  }

  parseRefreshToken(token: string): { sessionId: string; secret: string } | null {
    const match = REFRESH_TOKEN.exec(token);
    return match ? { sessionId: match[1], secret: match[2] } : null;
  }

  hashesEqual(a: string, b: string): boolean {
    const left = Buffer.from(a, 'hex');
    const right = Buffer.from(b, 'hex');
    return left.length === right.length && timingSafeEqual(left, right);
  }
}
