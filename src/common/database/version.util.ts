/**
 * The `updatedAt` a conditional write (`If-Match`, docs/api.md#caching) stores: now, but always
 * after the version it replaces, so two writes within one millisecond still leave two versions.
 */
export function nextVersion(version: Date, now: Date = new Date()): Date {
  return new Date(Math.max(now.getTime(), version.getTime() + 1));
}
