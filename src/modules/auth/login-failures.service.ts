import { Injectable } from '@nestjs/common';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import type { AppConfig, RateLimitRule } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { type CounterState, CounterStore } from 'src/infrastructure/counters/counter-store.port';

export const LOGIN_FAILURES_MESSAGE = 'Too many login attempts, please try again later';

/**
 * The two password-guessing buckets of §1.14, on the shared counter store (in memory, or Redis
 * with THROTTLE_REDIS_URL, so the caps hold across instances):
 * - `login-failures`: identifier (user id when signed in) + IP, 10 per 15 min;
 * - `login-failures-account`: identifier alone, 100 per 24 h, so rotating IPs does not help.
 * While a bucket is exhausted every attempt is refused, even with the right password.
 *
 * The identifier+IP bucket counts an attempt *before* the password is checked and is cleared
 * when it was right (which §1.14 asks anyway): checking first and counting afterwards would let
 * a burst of concurrent guesses all pass the check before any was counted. The account bucket
 * cannot be cleared by one success, so it is checked first and counted on failure; a burst can
 * overshoot its 100 by at most the number of guesses in flight, already capped per IP above.
 */
@Injectable()
export class LoginFailures {
  constructor(
    private readonly counters: CounterStore,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** A5: `check` performs the password comparison; resolves to its result or throws 429. */
  async attemptLogin(
    identifier: string,
    ip: string,
    check: () => Promise<boolean>,
  ): Promise<boolean> {
    const { loginFailures, loginFailuresAccount } = this.config.rateLimits;
    const account = accountKey(identifier);
    const perIp = ipKey(`i:${identifier}`, ip);
    const accountState = await this.counters.peek(account);
    if (accountState.count >= loginFailuresAccount.limit)
      throw tooManyAttempts(accountState, loginFailuresAccount);
    await this.reserve(perIp, loginFailures);
    if (await check()) {
      await this.counters.reset(perIp);
      return true;
    }
    await this.counters.hit(account, loginFailuresAccount.windowSeconds * 1000);
    return false;
  }

  /** A10, U3: a signed-in user's password checks count in the identifier+IP bucket, keyed by user id. */
  async attemptSignedIn(
    userId: string,
    ip: string,
    check: () => Promise<boolean>,
  ): Promise<boolean> {
    const perIp = ipKey(`u:${userId}`, ip);
    await this.reserve(perIp, this.config.rateLimits.loginFailures);
    if (await check()) {
      await this.counters.reset(perIp);
      return true;
    }
    return false;
  }

  /** A8: a password reset lifts the per-account cap of every identifier of that account. */
  async clearAccount(identifiers: string[]): Promise<void> {
    await Promise.all(identifiers.map((identifier) => this.counters.reset(accountKey(identifier))));
  }

  private async reserve(key: string, rule: RateLimitRule): Promise<void> {
    const state = await this.counters.hit(key, rule.windowSeconds * 1000);
    if (state.count > rule.limit) throw tooManyAttempts(state, rule);
  }
}

function tooManyAttempts(state: CounterState, rule: RateLimitRule): AppException {
  const retryAfter = String(Math.max(1, Math.ceil(state.resetInMs / 1000)));
  return new AppException(ErrorCode.RATE_LIMITED, LOGIN_FAILURES_MESSAGE, {
    headers: {
      'Retry-After': retryAfter,
      'X-RateLimit-Limit': String(rule.limit),
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': retryAfter,
    },
  });
}

/** `i:` (typed identifier) and `u:` (user id) never collide, even for a username that looks like an id. */
function ipKey(identity: string, ip: string): string {
  return `login-failures:${identity}|${ip}`;
}

function accountKey(identifier: string): string {
  return `login-failures-account:${identifier}`;
}
