import { normalizeIp } from '@nestjs/throttler';
import type { Request } from 'express';

/** IPv6 clients count by /56 (docs/api.md#rate-limit-headers): a subscriber usually has a /56. */
export const IPV6_GROUP_PREFIX = 56;

/**
 * The rate-limit identity of the caller: the socket address, or the `X-Forwarded-For` entry
 * that Express selects through the configured number of trusted proxy hops.
 */
export function clientIpKey(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return normalizeIp(mapped ? mapped[1] : ip, IPV6_GROUP_PREFIX);
}
