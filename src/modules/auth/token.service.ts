import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';

export interface AccessClaims {
  sub: string;
  sid: string;
}

export type AccessVerification =
  { valid: true; claims: AccessClaims } | { valid: false; expired: boolean };

/** A session id as minted by `newSessionId`: 16 random bytes in base64url. */
const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;
const REFRESH_TOKEN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** Access JWTs (HS256 only) and opaque refresh tokens `<sessionId>.<secret>` (§1.9). */
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

  async verifyAccessToken(token: string): Promise<AccessVerification> {
    try {
      const payload = await this.jwt.verifyAsync<Record<string, unknown>>(token, {
        secret: this.config.auth.accessSecret,
        algorithms: ['HS256'],
      });
      const { sub, sid } = payload;
      if (typeof sub !== 'string' || typeof sid !== 'string')
        return { valid: false, expired: false };
      return { valid: true, claims: { sub, sid } };
    } catch (error) {
      // jsonwebtoken checks the signature before the expiry, so an expiry error implies a genuine token.
      return {
        valid: false,
        expired: error instanceof Error && error.name === 'TokenExpiredError',
      };
    }
  }

  /**
   * A11 only: the claims of a genuine token whose sole defect may be its expiry (signature and
   * algorithm are still checked), so an expired access token can still name the session to end.
   */
  async claimsIgnoringExpiry(token: string): Promise<AccessClaims | null> {
    try {
      const payload = await this.jwt.verifyAsync<Record<string, unknown>>(token, {
        secret: this.config.auth.accessSecret,
        algorithms: ['HS256'],
        ignoreExpiration: true,
      });
      const { sub, sid } = payload;
      return typeof sub === 'string' && typeof sid === 'string' ? { sub, sid } : null;
    } catch {
      return null;
    }
  }

  /**
   * A session id names the session in the access token (`sid`) and in the refresh token, so it
   * must be unguessable on its own: 128 random bits. An ObjectId would not do: it is a timestamp
   * plus a per-process counter, predictable from any two public ids created around a login.
   */
  newSessionId(): string {
    return randomBytes(16).toString('base64url');
  }

  isSessionId(value: string): boolean {
    return SESSION_ID.test(value);
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
