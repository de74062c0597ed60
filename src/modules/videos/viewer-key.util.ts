import { createHash } from 'node:crypto';

/** A signed-in viewer is their user id: one person, one view per window, on any device. */
export function userViewerKey(userId: string): string {
  return `u:${userId}`;
}

/**
 * An anonymous viewer is their IP and User-Agent, hashed with a server secret so the stored
 * marker cannot be turned back into an IP address (and cannot be precomputed without the salt).
 */
export function anonymousViewerKey(salt: string, ip: string, userAgent: string): string {
  const digest = createHash('sha256')
    .update(salt)
    .update('\0')
    .update(ip)
    .update('\0')
    .update(userAgent)
    .digest('hex');
  return `a:${digest}`;
}
