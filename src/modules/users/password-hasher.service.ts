import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { compare, hash } from 'bcrypt';
import pLimit, { type LimitFunction } from 'p-limit';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';

/** bcrypt reads at most 72 bytes; a longer password would be checked only by its prefix. */
export const BCRYPT_MAX_BYTES = 72;

/**
 * bcrypt through its asynchronous API only: the hashing runs on libuv's thread pool, so a burst
 * of logins never blocks the event loop (the sync variants would stall every other request).
 *
 * Asynchronous is not enough on a small machine: libuv's four threads can hash four passwords at
 * once and take every core from the event loop, so all other requests slow down during a login
 * burst. At most `BCRYPT_CONCURRENCY` operations (default: cores - 1) run at a time; the others
 * queue in arrival order. The dummy comparison of unknown accounts queues the same way, so the
 * wait reveals nothing about whether an account exists.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash: Promise<string> | undefined;
  private readonly slots: LimitFunction;

  constructor(@InjectConfig() private readonly config: AppConfig) {
    this.slots = pLimit(config.auth.bcryptConcurrency);
  }

  /** Warmed at start-up so not even the first unknown-user login pays for making it. */
  onModuleInit(): void {
    void this.dummy();
  }

  hash(password: string): Promise<string> {
    return this.slots(() => hash(password, this.config.auth.bcryptRounds));
  }

  /**
   * Always performs exactly one bcrypt comparison. Without a usable hash (unknown or pending
   * account) or with a password bcrypt would truncate, it compares against a dummy hash of the
   * configured cost and answers false, so every failure costs the same time (§2 A5, I-11).
   */
  async verify(password: string, passwordHash: string | null): Promise<boolean> {
    const usable = passwordHash !== null && Buffer.byteLength(password, 'utf8') <= BCRYPT_MAX_BYTES;
    const against = usable ? passwordHash : await this.dummy();
    const matches = await this.slots(() => compare(password, against));
    return usable && matches;
  }

  /** Hashed with the configured cost, so comparing against it costs what a real comparison costs. */
  private dummy(): Promise<string> {
    this.dummyHash ??= this.slots(() =>
      hash(randomBytes(24).toString('base64url'), this.config.auth.bcryptRounds),
    );
    return this.dummyHash;
  }
}
