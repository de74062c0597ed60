import { takeUploadSlot, UPLOAD_SLOT_LEASE_MS } from 'src/common/uploads/upload-slots.util';
import type { CounterStore } from 'src/infrastructure/counters/counter-store.port';
import { MemoryCounterStore } from 'src/infrastructure/counters/memory-counter-store';
import { RedisCounterStore } from 'src/infrastructure/counters/redis-counter-store';
import { startRedis, type TestRedis } from 'test/utils/redis-server';

type Store = CounterStore & { onApplicationShutdown(): unknown };

/**
 * Two stores stand for two instances: both in one process's memory, or two Redis clients on one
 * server (THROTTLE_REDIS_URL), where the cap must hold across instances.
 */
describe.each(['memory', 'redis'] as const)('upload slots on the %s counter store', (kind) => {
  let redis: TestRedis | undefined;
  let one: Store;
  let other: Store;
  let user = 0;
  const nextUser = (): string => `user-${process.pid}-${user++}`;

  beforeAll(async () => {
    if (kind === 'redis') {
      redis = await startRedis();
      one = new RedisCounterStore(redis.url, 2000);
      other = new RedisCounterStore(redis.url, 2000);
    } else {
      one = new MemoryCounterStore();
      other = one;
    }
  });
  afterAll(async () => {
    await one.onApplicationShutdown();
    if (other !== one) await other.onApplicationShutdown();
    await redis?.stop();
  });

  it('gives out at most `max` slots per user, wherever they are taken', async () => {
    const userId = nextUser();
    const first = await takeUploadSlot(one, userId, 2);
    const second = await takeUploadSlot(other, userId, 2);
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(await takeUploadSlot(one, userId, 2)).toBeNull();
    expect(await takeUploadSlot(other, userId, 2)).toBeNull();
    // Another user has slots of their own.
    expect(await takeUploadSlot(one, nextUser(), 2)).not.toBeNull();
  });

  it('lets a released slot be taken again, from either side', async () => {
    const userId = nextUser();
    const first = await takeUploadSlot(one, userId, 2);
    await takeUploadSlot(one, userId, 2);
    expect(await takeUploadSlot(other, userId, 2)).toBeNull();

    await first?.release();
    const again = await takeUploadSlot(other, userId, 2);
    expect(again).not.toBeNull();
    expect(await takeUploadSlot(one, userId, 2)).toBeNull();
  });

  it('hands every slot to exactly one of many simultaneous takers', async () => {
    const userId = nextUser();
    const taken = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        takeUploadSlot(index % 2 === 0 ? one : other, userId, 3),
      ),
    );
    expect(taken.filter((slot) => slot !== null)).toHaveLength(3);
  });

  it('holds a slot for the lease, however often a refused taker knocks', async () => {
    const userId = nextUser();
    await takeUploadSlot(one, userId, 1);
    for (let attempt = 0; attempt < 3; attempt += 1)
      expect(await takeUploadSlot(other, userId, 1)).toBeNull();
    const { resetInMs } = await one.peek(`upload-slot:${userId}:0`);
    expect(resetInMs).toBeGreaterThan(UPLOAD_SLOT_LEASE_MS - 60_000);
    expect(resetInMs).toBeLessThanOrEqual(UPLOAD_SLOT_LEASE_MS);
  });
});
