import type { ThrottlerStorage } from '@nestjs/throttler';
import { CounterStore } from 'src/infrastructure/counters/counter-store.port';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * @nestjs/throttler's storage on top of the shared counters: a fixed window per key, refused
 * while more than `limit` hits fall in it (so blocking ends when the window does).
 */
export class CounterThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly counters: CounterStore) {}

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const { count, resetInMs } = await this.counters.hit(key, ttl);
    const seconds = Math.ceil(resetInMs / 1000);
    const isBlocked = count > limit;
    return {
      totalHits: count,
      timeToExpire: seconds,
      isBlocked,
      timeToBlockExpire: isBlocked ? seconds : 0,
    };
  }
}
