import { createHash } from 'node:crypto';
import type { TestApp } from 'test/utils/test-app';

/** Per collection: document count and one hash per document (sorted, so order does not matter). */
export type DbSnapshot = Record<string, { count: number; hashes: string[] }>;

/**
 * Every collection of the test database, read straight from the driver. Used to prove that a
 * refused call changed nothing (no side effect before every check has passed:
 * docs/api.md#not-found-vs-forbidden).
 */
export async function snapshotDb(t: TestApp): Promise<DbSnapshot> {
  const db = t.connection.db;
  if (!db) throw new Error('no database handle');
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((name) => !name.startsWith('system.'))
    .sort();
  const snapshot: DbSnapshot = {};
  for (const name of names) {
    const docs = await db.collection(name).find().toArray();
    const hashes = docs
      .map((doc) =>
        createHash('sha256')
          .update(JSON.stringify(comparable(name, doc)))
          .digest('hex'),
      )
      .sort();
    snapshot[name] = { count: docs.length, hashes };
  }
  return snapshot;
}

/**
 * A document as far as "changed nothing" goes. A session's `lastUsedAt` is left out: any
 * authenticated request records a use at most once a minute (`SessionsService.authenticate`),
 * which is authentication's bookkeeping, not an effect of the call, and happens or not by the
 * clock.
 */
function comparable(collection: string, doc: Record<string, unknown>): Record<string, unknown> {
  if (collection !== 'sessions') return doc;
  const { lastUsedAt: _used, ...rest } = doc;
  return rest;
}

/** Collections whose count or content differ; empty when the database is unchanged. */
export function diffSnapshots(before: DbSnapshot, after: DbSnapshot): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed: string[] = [];
  for (const name of [...names].sort()) {
    const a = before[name] ?? { count: 0, hashes: [] };
    const b = after[name] ?? { count: 0, hashes: [] };
    if (a.count !== b.count) changed.push(`${name}: ${a.count} → ${b.count} documents`);
    else if (a.hashes.join() !== b.hashes.join()) changed.push(`${name}: documents changed`);
  }
  return changed;
}
