import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { clientIpKey } from 'src/common/http/client-ip.util';
import { type BucketState, rateLimitFields } from 'src/common/rate-limit/rate-limit-fields.util';
import type { RateLimitRule } from 'src/config/app-config';

export const GLOBAL_BUCKET = 'global';

export interface BucketResult {
  allowed: boolean;
  /**
   * On a refusal, the headers of the 429: `Retry-After`, the refusing bucket's `X-RateLimit-*`
   * and the `RateLimit` / `RateLimit-Policy` fields (already on the response when allowed).
   */
  headers: Record<string, string>;
}

/** The buckets counted so far for each response, in the order they were counted. */
const counted = new WeakMap<Response, BucketState[]>();

/**
 * Counts one hit of the caller (`clientIpKey`) in a fixed-window bucket: the one place a bucket
 * is evaluated, for the route guard and the docs middleware alike. It also describes the bucket on
 * the response (docs/api.md#rate-limit-headers):
 *
 * - `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers-11) list every
 *   bucket counted for this request, in the order counted (@nestjs/throttler runs the shorter
 *   windows first; with the default windows the global bucket comes first). A 429 lists the
 *   buckets counted up to the one that refused, which reports `r=0`.
 * - `X-RateLimit-Limit`, `-Remaining`, `-Reset` (the web client reads them) describe the global
 *   bucket on an allowed request, and the refusing bucket on a 429, which adds `Retry-After`.
 */
export async function hitBucket(
  storage: ThrottlerStorage,
  name: string,
  rule: RateLimitRule,
  req: Request,
  res: Response,
): Promise<BucketResult> {
  const ttlMs = rule.windowSeconds * 1000;
  const key = bucketKey(name, clientIpKey(req));
  const record = await storage.increment(key, ttlMs, rule.limit, ttlMs, name);
  const state: BucketState = {
    name,
    limit: rule.limit,
    windowSeconds: rule.windowSeconds,
    remaining: record.isBlocked ? 0 : Math.max(0, rule.limit - record.totalHits),
    resetSeconds: record.isBlocked
      ? Math.max(1, Math.ceil(record.timeToBlockExpire))
      : Math.max(0, Math.ceil(record.timeToExpire)),
  };
  const states = [...(counted.get(res) ?? []).filter((other) => other.name !== name), state];
  counted.set(res, states);
  const fields = rateLimitFields(states);
  const legacy = {
    'X-RateLimit-Limit': String(state.limit),
    'X-RateLimit-Remaining': String(state.remaining),
    'X-RateLimit-Reset': String(state.resetSeconds),
  };
  if (record.isBlocked) {
    return {
      allowed: false,
      headers: { 'Retry-After': String(state.resetSeconds), ...legacy, ...fields },
    };
  }
  const headers: Record<string, string> =
    name === GLOBAL_BUCKET ? { ...legacy, ...fields } : { ...fields };
  for (const [header, value] of Object.entries(headers)) res.setHeader(header, value);
  return { allowed: true, headers: {} };
}

export function bucketKey(name: string, tracker: string): string {
  return `rl:${name}:${tracker}`;
}
