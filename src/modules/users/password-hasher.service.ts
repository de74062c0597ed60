import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Piscina } from 'piscina';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';

/** bcrypt reads at most 72 bytes; a longer password would be checked only by its prefix. */
export const BCRYPT_MAX_BYTES = 72;

/**
 * How much lower than the event loop the hashing threads run (Unix nice increment). A runnable
 * event loop or database gets about nine tenths of a contended core; hashing gets the rest, and
 * every idle cycle.
 */
export const HASHING_NICE_INCREMENT = 10;

type HashingTask =
  | { op: 'hash'; password: string; rounds: number }
  | { op: 'compare'; password: string; hash: string };

/**
 * bcrypt off the event loop, and below it. A login burst used to run four hashes on libuv's
 * pool at the event loop's own priority, so every other request slowed down while it lasted
 * (docs/performance.md). Hashes now run on `BCRYPT_CONCURRENCY` worker threads (piscina) at a
 * lower CPU priority; the rest queue in arrival order. The dummy comparison of unknown accounts
 * queues the same way, so the wait reveals nothing about whether an account exists.
 */
@Injectable()
export class PasswordHasherService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PasswordHasherService.name);
  private dummyHash: Promise<string> | undefined;
  private submitted = 0;
  /** Operations not settled yet, queued or running: shutdown waits for them. */
  private readonly pending = new Set<Promise<string | boolean>>();
  private readonly pool: Piscina<HashingTask, string | boolean>;

  constructor(@InjectConfig() private readonly config: AppConfig) {
    const threads = config.auth.bcryptConcurrency;
    this.pool = new Piscina({
      filename: join(__dirname, 'password-hashing.worker.js'),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      niceIncrement: HASHING_NICE_INCREMENT,
    });
    // A thread that fails outside a task (its task failures reach the caller) is replaced by
    // the pool; without a listener the event would end the process.
    this.pool.on('error', (error: unknown) =>
      this.logger.error(`Password hashing thread failed: ${String(error)}`),
    );
  }

  /** Warmed at start-up so not even the first unknown-user login pays for making it. */
  onModuleInit(): void {
    void this.dummy();
  }

  /**
   * Nest closes the HTTP server (letting in-flight requests finish) between the destroy hooks
   * and the shutdown hooks, so the threads must outlive the former: a login still draining
   * needs them. Every operation asked for, queued ones included, finishes; then the threads
   * stop. (piscina's own `close()` can stop a thread while queued work remains.)
   */
  async onApplicationShutdown(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    await this.pool.destroy();
  }

  /** Hashing threads running, and bcrypt operations asked for so far (tests, diagnostics). */
  get stats(): { threads: number; submitted: number } {
    return { threads: this.pool.threads.length, submitted: this.submitted };
  }

  async hash(password: string): Promise<string> {
    return (await this.run({
      op: 'hash',
      password,
      rounds: this.config.auth.bcryptRounds,
    })) as string;
  }

  /**
   * Always performs exactly one bcrypt comparison. Without a usable hash (unknown or pending
   * account) or with a password bcrypt would truncate, it compares against a dummy hash of the
   * configured cost and answers false, so every failure costs the same time and login reveals no
   * account.
   */
  async verify(password: string, passwordHash: string | null): Promise<boolean> {
    const usable = passwordHash !== null && Buffer.byteLength(password, 'utf8') <= BCRYPT_MAX_BYTES;
    const hash = usable ? passwordHash : await this.dummy();
    const matches = (await this.run({ op: 'compare', password, hash })) as boolean;
    return usable && matches;
  }

  private run(task: HashingTask): Promise<string | boolean> {
    this.submitted += 1;
    const operation = this.pool.run(task);
    this.pending.add(operation);
    const settled = (): void => void this.pending.delete(operation);
    operation.then(settled, settled);
    return operation;
  }

  /** Hashed with the configured cost, so comparing against it costs what a real comparison costs. */
  private dummy(): Promise<string> {
    this.dummyHash ??= this.hash(randomBytes(24).toString('base64url'));
    return this.dummyHash;
  }
}
