import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { CounterStore, type CounterState } from 'src/infrastructure/counters/counter-store.port';

/** INCR and the window's expiry in one atomic step; returns the count and the milliseconds left. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { count, ttl }
`;

/** DECR only a positive count of a live window, in one atomic step; DECR keeps the expiry. */
const REFUND_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return count
`;

const PREFIX = 'dancely:counter:';

/** The Lua commands registered with `defineCommand` in the constructor. */
type CounterCommands = Redis & {
  dancelyHit(key: string, windowMs: number): Promise<[number, number]>;
  dancelyRefund(key: string): Promise<number>;
};

export class RedisCounterStore extends CounterStore implements OnApplicationShutdown {
  private readonly logger = new Logger('RedisCounters');
  private readonly redis: Redis;

  constructor(url: string, operationTimeoutMs: number) {
    super();
    this.redis = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
      commandTimeout: operationTimeoutMs,
      connectTimeout: operationTimeoutMs,
    });
    this.redis.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    this.redis.defineCommand('dancelyHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis.defineCommand('dancelyRefund', { numberOfKeys: 1, lua: REFUND_SCRIPT });
  }

  async hit(key: string, windowMs: number): Promise<CounterState> {
    const [count, ttl] = await (this.redis as CounterCommands).dancelyHit(PREFIX + key, windowMs);
    return { count, resetInMs: Math.max(0, ttl) };
  }

  async peek(key: string): Promise<CounterState> {
    const [[, count], [, ttl]] = ((await this.redis
      .multi()
      .get(PREFIX + key)
      .pttl(PREFIX + key)
      .exec()) ?? [
      [null, null],
      [null, -2],
    ]) as [[unknown, string | null], [unknown, number]];
    if (count === null || ttl < 0) return { count: 0, resetInMs: 0 };
    return { count: Number(count), resetInMs: ttl };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(PREFIX + key);
  }

  async refund(key: string): Promise<void> {
    await (this.redis as CounterCommands).dancelyRefund(PREFIX + key);
  }

  /**
   * A shutdown hook, not a destroy hook: Nest runs destroy hooks before it closes the HTTP server,
   * and requests still draining need their rate-limit counters.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
