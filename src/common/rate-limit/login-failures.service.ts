import { Injectable } from '@nestjs/common';
import type { AppException } from 'src/common/errors/app.exception';
import { RateLimitErrors } from 'src/common/rate-limit/rate-limit.errors';
import type { AppConfig, RateLimitRule } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { type CounterState, CounterStore } from 'src/infrastructure/counters/counter-store.port';

/** Who a login attempt is against: the account the identifier resolved to, if any. */
export interface LoginSubject {
  accountId: string | null;
  /** As typed (trimmed, lowercased): keys the per-IP bucket, and the daily cap when it names no account. */
  identifier: string;
}

/**
 * The two password-guessing buckets, on the shared counter store (in memory, or Redis with
 * THROTTLE_REDIS_URL, so the caps hold across instances):
 * - `login-failures`: typed identifier + IP, 10 per 15 min;
 * - `login-failures-account`: the account alone, 100 per 24 h, so rotating IPs does not help.
 * While a bucket is exhausted every attempt is refused, even with the right password.
 *
 * The daily cap is keyed by the account the identifier resolves to: an account's email and
 * username are one target and must not be two budgets (an identifier that names no account keys
 * it itself, so unknown and known identifiers go through the same steps). The short per-IP bucket
 * stays keyed by what was typed: were it shared too, ten wrong guesses on an email and one try
 * of a username from the same IP would tell whether the two belong to one account. Linking them
 * through the daily cap costs a hundred guesses and locks the account visibly for a day.
 *
 * Both count an attempt *before* the password is checked (a reservation): checking first and
 * counting afterwards would let every guess of a concurrent burst pass the check before any was
 * counted, so no more password checks run than the caps allow. A correct password clears the
 * account+IP bucket (docs/api.md#rate-limit-buckets) and gives its reservation back to the account
 * bucket, which only a password reset clears.
 */
@Injectable()
export class LoginFailuresService {
  constructor(
    private readonly counters: CounterStore,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Login: `check` performs the password comparison; resolves to its result or throws 429. */
  async attemptLogin(
    subject: LoginSubject,
    ip: string,
    check: () => Promise<boolean>,
  ): Promise<boolean> {
    const { loginFailures, loginFailuresAccount } = this.config.rateLimits;
    const perIp = ipKey(`i:${subject.identifier}`, ip);
    const account = accountKey(identityOf(subject));
    await this.reserve(perIp, loginFailures);
    try {
      await this.reserve(account, loginFailuresAccount);
    } catch (error) {
      // Refused before any password check: this IP's budget for the account is not spent on it.
      await this.counters.refund(perIp);
      throw error;
    }
    if (await check()) {
      await Promise.all([this.counters.reset(perIp), this.counters.refund(account)]);
      return true;
    }
    return false;
  }

  /**
   * Change-password and email change: a signed-in user's password checks count in a user id + IP
   * bucket of the same size (`u:` keys never collide with typed identifiers, `i:`).
   */
  async attemptSignedIn(
    userId: string,
    ip: string,
    check: () => Promise<boolean>,
  ): Promise<boolean> {
    const perIp = ipKey(accountIdentity(userId), ip);
    await this.reserve(perIp, this.config.rateLimits.loginFailures);
    if (await check()) {
      await this.counters.reset(perIp);
      return true;
    }
    return false;
  }

  /** A password reset lifts the per-account cap. */
  async clearAccount(accountId: string): Promise<void> {
    await this.counters.reset(accountKey(accountIdentity(accountId)));
  }

  private async reserve(key: string, rule: RateLimitRule): Promise<void> {
    const state = await this.counters.hit(key, rule.windowSeconds * 1000);
    if (state.count > rule.limit) throw tooManyAttempts(state, rule);
  }
}

function tooManyAttempts(state: CounterState, rule: RateLimitRule): AppException {
  const retryAfter = String(Math.max(1, Math.ceil(state.resetInMs / 1000)));
  return RateLimitErrors.tooManyLoginAttempts({
    'Retry-After': retryAfter,
    'X-RateLimit-Limit': String(rule.limit),
    'X-RateLimit-Remaining': '0',
    'X-RateLimit-Reset': retryAfter,
  });
}

/** `u:` (account id) and `i:` (unknown identifier) never collide, even for a username that looks like an id. */
function identityOf(subject: LoginSubject): string {
  return subject.accountId ? accountIdentity(subject.accountId) : `i:${subject.identifier}`;
}

function accountIdentity(accountId: string): string {
  return `u:${accountId}`;
}

function ipKey(identity: string, ip: string): string {
  return `login-failures:${identity}|${ip}`;
}

function accountKey(identity: string): string {
  return `login-failures-account:${identity}`;
}
