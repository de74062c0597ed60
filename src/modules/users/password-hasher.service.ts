import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { compare, hash } from 'bcrypt';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';

/** bcrypt reads at most 72 bytes; a longer password would be checked only by its prefix. */
export const BCRYPT_MAX_BYTES = 72;

/**
 * bcrypt through its asynchronous API only: the hashing runs on libuv's thread pool, so a burst
 * of logins never blocks the event loop (the sync variants would stall every other request).
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash: Promise<string> | undefined;

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  /** Warmed at start-up so not even the first unknown-user login pays for making it. */
  onModuleInit(): void {
    void this.dummy();
  }

  hash(password: string): Promise<string> {
    return hash(password, this.config.auth.bcryptRounds);
  }

  /**
   * Always performs exactly one bcrypt comparison. Without a usable hash (unknown or pending
   * account) or with a password bcrypt would truncate, it compares against a dummy hash of the
   * configured cost and answers false, so every failure costs the same time (§2 A5, I-11).
   */
  async verify(password: string, passwordHash: string | null): Promise<boolean> {
    const usable = passwordHash !== null && Buffer.byteLength(password, 'utf8') <= BCRYPT_MAX_BYTES;
    const matches = await compare(password, usable ? passwordHash : await this.dummy());
    return usable && matches;
  }

  /** Hashed with the configured cost, so comparing against it costs what a real comparison costs. */
  private dummy(): Promise<string> {
    this.dummyHash ??= hash(randomBytes(24).toString('base64url'), this.config.auth.bcryptRounds);
    return this.dummyHash;
  }
}
