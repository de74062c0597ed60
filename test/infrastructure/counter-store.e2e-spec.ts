import type { ThrottlerStorage } from '@nestjs/throttler';
import { CounterThrottlerStorage } from 'src/common/rate-limit/counter-throttler.storage';
import type { CounterStore } from 'src/infrastructure/counters/counter-store.port';
import { MemoryCounterStore } from 'src/infrastructure/counters/memory-counter-store';
import { RedisCounterStore } from 'src/infrastructure/counters/redis-counter-store';
import { startRedis, type TestRedis } from 'test/utils/redis-server';

describe.each(['memory', 'redis'] as const)('%s counter store', (kind) => {
  let redis: TestRedis | undefined;
  let sut: CounterStore & { onApplicationShutdown(): unknown };
  let key = 0;
  const nextKey = (): string => `k${process.pid}-${key++}`;

  beforeAll(async () => {
    if (kind === 'redis') {
      redis = await startRedis();
      sut = new RedisCounterStore(redis.url, 2000);
    } else {
      sut = new MemoryCounterStore();
    }
  });
  afterAll(async () => {
    await sut.onApplicationShutdown();
    await redis?.stop();
  });

  it('counts hits in a window that starts with the first one', async () => {
    const k = nextKey();
    expect(await sut.peek(k)).toEqual({ count: 0, resetInMs: 0 });
    const first = await sut.hit(k, 60_000);
    expect(first.count).toBe(1);
    expect(first.resetInMs).toBeGreaterThan(59_000);
    expect((await sut.hit(k, 60_000)).count).toBe(2);
    expect((await sut.peek(k)).count).toBe(2);
  });

  it('starts over when the window ends, and on reset', async () => {
    const k = nextKey();
    await sut.hit(k, 150);
    await sut.hit(k, 150);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await sut.peek(k)).count).toBe(0);
    expect((await sut.hit(k, 150)).count).toBe(1);
    await sut.reset(k);
    expect((await sut.peek(k)).count).toBe(0);
  });

  it('refunds one hit of the open window, keeping its end, never below zero', async () => {
    const k = nextKey();
    await sut.refund(k);
    expect(await sut.peek(k)).toEqual({ count: 0, resetInMs: 0 });
    await sut.hit(k, 60_000);
    const second = await sut.hit(k, 60_000);
    await sut.refund(k);
    const after = await sut.peek(k);
    expect(after.count).toBe(1);
    expect(after.resetInMs).toBeLessThanOrEqual(second.resetInMs);
    expect(after.resetInMs).toBeGreaterThan(59_000);
    await sut.refund(k);
    await sut.refund(k);
    expect((await sut.peek(k)).count).toBe(0);
    expect((await sut.hit(k, 60_000)).count).toBe(1);
  });

  it('refunds concurrently without losing or inventing hits', async () => {
    const k = nextKey();
    await Promise.all(Array.from({ length: 30 }, () => sut.hit(k, 60_000)));
    await Promise.all(Array.from({ length: 20 }, () => sut.refund(k)));
    expect((await sut.peek(k)).count).toBe(10);
  });

  it('refunds nothing once the window has ended', async () => {
    const k = nextKey();
    await sut.hit(k, 100);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await sut.refund(k);
    expect((await sut.hit(k, 60_000)).count).toBe(1);
  });

  it('counts concurrent hits exactly', async () => {
    const k = nextKey();
    const results = await Promise.all(Array.from({ length: 50 }, () => sut.hit(k, 60_000)));
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });

  it('backs the throttler storage: blocked once past the limit until the window ends', async () => {
    const storage: ThrottlerStorage = new CounterThrottlerStorage(sut);
    const k = nextKey();
    const records = [];
    for (let i = 0; i < 4; i++)
      records.push(await storage.increment(k, 60_000, 3, 60_000, 'global'));
    expect(records.map((r) => r.isBlocked)).toEqual([false, false, false, true]);
    expect(records[3].timeToBlockExpire).toBeGreaterThanOrEqual(59);
    expect(records[0].timeToExpire).toBeGreaterThanOrEqual(59);
  });
});
