import type { CookieSerializeOptions } from '@nestjs/common';
import { ACCESS_COOKIE, REFRESH_COOKIE } from 'src/common/auth/credentials.util';
import type { AppConfig } from 'src/config/app-config';

export type CookieInstruction =
  | { kind: 'sign-in'; accessToken: string; refreshToken: string }
  | { kind: 'renew-access'; accessToken: string }
  | { kind: 'clear' };

/**
 * What a handler wants done with the two auth cookies. The auth service records its decision
 * here (also right before throwing, e.g. "clear on a failed refresh") and `AuthCookiesInterceptor`
 * writes it on the response, whether the handler succeeded or failed. Controllers stay free of
 * `@Res()`, and unit tests read the decision without an HTTP response.
 */
export class AuthCookieJar {
  private decision: CookieInstruction | null = null;

  signIn(tokens: { accessToken: string; refreshToken: string }): void {
    this.decision = { kind: 'sign-in', ...tokens };
  }

  renewAccess(accessToken: string): void {
    this.decision = { kind: 'renew-access', accessToken };
  }

  clear(): void {
    this.decision = { kind: 'clear' };
  }

  get instruction(): CookieInstruction | null {
    return this.decision;
  }
}

export interface CookieWrite {
  name: string;
  /** null clears the cookie. */
  value: string | null;
  options: CookieSerializeOptions;
}

/**
 * The cookie attributes (docs/api.md#cookies): HttpOnly, SameSite=Lax, Path=/, Secure and Domain
 * from config, Max-Age = the refresh TTL for both cookies (the access cookie outlives its JWT on
 * purpose: an expired JWT answers ACCESS_TOKEN_EXPIRED, which makes the client refresh). Clearing
 * uses the same attributes.
 */
export function cookieWrites(
  instruction: CookieInstruction,
  config: Pick<AppConfig, 'cookies' | 'auth'>,
): CookieWrite[] {
  const base: CookieSerializeOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.cookies.secure,
    ...(config.cookies.domain !== undefined ? { domain: config.cookies.domain } : {}),
  };
  const lasting: CookieSerializeOptions = { ...base, maxAge: config.auth.refreshTtlSeconds };
  switch (instruction.kind) {
    case 'sign-in':
      return [
        { name: ACCESS_COOKIE, value: instruction.accessToken, options: lasting },
        { name: REFRESH_COOKIE, value: instruction.refreshToken, options: lasting },
      ];
    case 'renew-access':
      return [{ name: ACCESS_COOKIE, value: instruction.accessToken, options: lasting }];
    case 'clear':
      return [
        { name: ACCESS_COOKIE, value: null, options: base },
        { name: REFRESH_COOKIE, value: null, options: base },
      ];
  }
}
