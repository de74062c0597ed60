import type { ThrottlerStorage } from '@nestjs/throttler';
import type { RateLimitRule } from 'src/config/app-config';

export interface BucketResult {
  allowed: boolean;
  headers: Record<string, string>;
}

/**
 * Counts one hit in a fixed-window bucket and returns the X-RateLimit-* (and, when refused,
 * Retry-After) headers describing it. Shared by the route guard and the docs middleware.
 */
export async function hitBucket(
  storage: ThrottlerStorage,
  name: string,
  tracker: string,
  rule: RateLimitRule,
): Promise<BucketResult> {
  const ttlMs = rule.windowSeconds * 1000;
  const record = await storage.increment(bucketKey(name, tracker), ttlMs, rule.limit, ttlMs, name);
  if (record.isBlocked) {
    const retryAfter = String(Math.max(1, Math.ceil(record.timeToBlockExpire)));
    return {
      allowed: false,
      headers: {
        'Retry-After': retryAfter,
        'X-RateLimit-Limit': String(rule.limit),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': retryAfter,
      },
    };
  }
  return {
    allowed: true,
    headers: {
      'X-RateLimit-Limit': String(rule.limit),
      'X-RateLimit-Remaining': String(Math.max(0, rule.limit - record.totalHits)),
      'X-RateLimit-Reset': String(Math.max(0, Math.ceil(record.timeToExpire))),
    },
  };
}

export function bucketKey(name: string, tracker: string): string {
  return `rl:${name}:${tracker}`;
}
