import { isIP } from 'node:net';
import { normalizeIp } from '@nestjs/throttler';
import type { Request } from 'express';

/** IPv6 clients count by /56 (docs/api.md#rate-limit-headers): a subscriber usually has a /56. */
export const IPV6_GROUP_PREFIX = 56;

/** Session lists show where a device is by /48 for IPv6 (a site), /24 for IPv4. */
const IPV6_HINT_PREFIX = 48;

/**
 * The rate-limit identity of the caller: the socket address, or the `X-Forwarded-For` entry
 * that Express selects through the configured number of trusted proxy hops.
 */
export function clientIpKey(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return normalizeIp(mapped ? mapped[1] : ip, IPV6_GROUP_PREFIX);
}

/**
 * A coarse hint of where a client is, never its address: the IPv4 /24 (`203.0.113.0/24`) or the
 * IPv6 /48 (`2001:db8:1234::/48`) around it. Takes an address or a `clientIpKey()` (whose IPv6
 * form is already a /56); null for anything that is not an IP address.
 */
export function coarseIpHint(address: string): string | null {
  const bare = address.replace(/\/\d{1,3}$/, '');
  if (isIP(bare) === 4) return `${bare.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIP(bare.split('%')[0]) !== 6) return null;
  const masked = normalizeIp(bare, IPV6_HINT_PREFIX);
  // normalizeIp gives an IPv4-mapped address as IPv4, and the loopback as `::1`.
  if (isIP(masked) === 4) return coarseIpHint(masked);
  return masked.includes('/') ? masked : `::/${IPV6_HINT_PREFIX}`;
}
