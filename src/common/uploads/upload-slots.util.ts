import type { CounterStore } from 'src/infrastructure/counters/counter-store.port';

/**
 * How long a taken slot outlives an instance that died without giving it back (with
 * THROTTLE_REDIS_URL the counters outlive the process). Longer than any real upload: 100 MB at
 * 1 Mbit/s takes about 14 minutes. An upload that does run longer may see its slot taken by
 * another one, so the cap can be passed by one for a while; it is never lowered.
 */
export const UPLOAD_SLOT_LEASE_MS = 60 * 60 * 1000;

export interface UploadSlot {
  release(): Promise<void>;
}

const slotKey = (userId: string, index: number): string => `upload-slot:${userId}:${index}`;

/**
 * Takes one of the user's `max` upload slots, or returns null when all are taken. The slots live
 * on the shared counters, so the cap holds across instances. Those counters only count hits in a
 * window, so each slot is a counter of its own: the hit that finds it empty (count 1) takes it,
 * later hits only see it taken, and `reset` frees it.
 */
export async function takeUploadSlot(
  counters: CounterStore,
  userId: string,
  max: number,
): Promise<UploadSlot | null> {
  for (let index = 0; index < max; index += 1) {
    const key = slotKey(userId, index);
    const { count } = await counters.hit(key, UPLOAD_SLOT_LEASE_MS);
    if (count === 1) return { release: () => counters.reset(key) };
  }
  return null;
}
