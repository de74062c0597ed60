/**
 * Maintained counters as the reconcile job handles them (issue 13, STYLE 20 and 33). Each domain
 * reads its stored counters in these shapes and applies the fixes it is handed; the counters
 * feature recounts the truth from the documents and decides what to fix. Plain values only:
 * ids are strings here, the repositories convert them.
 */

/**
 * The documents a recount covers: these ids (a targeted repair), or every id in an inclusive
 * range (a batch of the job's walk, which reads documents in `_id` order). A range is served by
 * the same index prefix as a list of ids, and costs a scanning engine one comparison per
 * document instead of one per listed id (mongo-java-server scans every `$in`).
 */
export type IdSelection = { ids: string[] } | { from: string; to: string };

export function isEmptySelection(selection: IdSelection): boolean {
  return 'ids' in selection && selection.ids.length === 0;
}

/** The condition on one id field for a selection; `toId` converts (only repositories hold ObjectIds). */
export function selectionCondition<Id>(
  selection: IdSelection,
  toId: (id: string) => Id,
): { $in: Id[] } | { $gte: Id; $lte: Id } {
  return 'ids' in selection
    ? { $in: selection.ids.map(toId) }
    : { $gte: toId(selection.from), $lte: toId(selection.to) };
}

/**
 * The filter for the documents of one group of fixes: their ids, behind the inclusive `_id` range
 * they span. MongoDB intersects the two into the same point lookups on `_id`; a scanning engine
 * (mongo-java-server compares each document with every id of an `$in`) discards the documents
 * outside the span on one comparison, before the list is looked at.
 */
export function spannedIds<Id>(
  ids: string[],
  toId: (id: string) => Id,
): { $and: [{ _id: { $gte: Id; $lte: Id } }, { _id: { $in: Id[] } }] } {
  // 24 lowercase hex digits: the string order is the ObjectId order.
  const sorted = [...ids].sort();
  return {
    $and: [
      { _id: { $gte: toId(sorted[0]), $lte: toId(sorted[sorted.length - 1]) } },
      { _id: { $in: sorted.map(toId) } },
    ],
  };
}

/** A counter as stored: null when the document has no such field (it reads as 0). */
export type StoredCount = number | null;

/** One document's stored counters, by field. */
export interface StoredCounters<Field extends string> {
  id: string;
  counters: Record<Field, StoredCount>;
}

/**
 * A stored counter found wrong: the value read (`seen`, the condition of the compare-and-set
 * that writes the fix) and the value recounted from the documents.
 */
export interface CounterFix<Field extends string> {
  id: string;
  field: Field;
  seen: StoredCount;
  truth: number;
}

/** What writing the fixes of one field did. */
export interface FieldOutcome {
  /** Fixes written: the stored value was still the one read. */
  corrected: number;
  /** Fixes not written: the value changed after it was read (a concurrent `$inc`), or the document is gone. */
  conflicts: number;
}

export type FixOutcome<Field extends string> = Record<Field, FieldOutcome>;

/**
 * A stored value as a counter. Anything but a finite number reads as missing (0); the
 * compare-and-set of a fix then matches only a missing or null field, so a value of another type
 * is never overwritten blindly: it shows up as a conflict on every run.
 */
export function storedCount(value: unknown): StoredCount {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The stored counters of `fields` read from a lean document (or one of its subdocuments). */
export function readStoredCounters<Field extends string>(
  source: Partial<Record<Field, unknown>> | null | undefined,
  fields: readonly Field[],
): Record<Field, StoredCount> {
  const counters = {} as Record<Field, StoredCount>;
  for (const field of fields) counters[field] = storedCount(source?.[field]);
  return counters;
}

/**
 * The fixes that bring a document's stored counters to the truth. A missing counter reads as 0,
 * so it needs no fix while the truth is 0: documents from before the counters existed are
 * rewritten only where they would show a wrong figure.
 */
export function fixesFor<Field extends string>(
  stored: StoredCounters<Field>,
  truth: Record<Field, number>,
): CounterFix<Field>[] {
  const fixes: CounterFix<Field>[] = [];
  for (const field of Object.keys(stored.counters) as Field[]) {
    const seen = stored.counters[field];
    if ((seen ?? 0) !== truth[field])
      fixes.push({ id: stored.id, field, seen, truth: truth[field] });
  }
  return fixes;
}

/** Fixes of one field that read the same value and write the same value: one conditional update. */
export interface FixGroup {
  seen: StoredCount;
  truth: number;
  ids: string[];
}

/**
 * What one write sends at most: groups (each one conditional `updateMany`) and ids in all. On
 * MongoDB each id is a point lookup; the embedded engine scans the collection for each group and
 * compares the documents in the group's span with each of its ids, and must keep answering the
 * driver's heartbeats (5 s) meanwhile.
 */
export const GROUPS_PER_WRITE = 20;
export const IDS_PER_WRITE = 500;

/** Fixes grouped by the value read and the value to write (a first pass over documents without counters has few distinct pairs). */
export function groupFixes<Field extends string>(fixes: CounterFix<Field>[]): FixGroup[] {
  const groups = new Map<string, FixGroup>();
  for (const fix of fixes) {
    const key = `${String(fix.seen)}>${fix.truth}`;
    const group = groups.get(key);
    if (group) group.ids.push(fix.id);
    else groups.set(key, { seen: fix.seen, truth: fix.truth, ids: [fix.id] });
  }
  return [...groups.values()];
}

/**
 * The groups of one field packed into writes of at most `GROUPS_PER_WRITE` groups and
 * `IDS_PER_WRITE` ids; a larger group is split into runs of consecutive ids (narrower spans).
 */
export function packWrites(groups: FixGroup[]): FixGroup[][] {
  const writes: FixGroup[][] = [];
  let current: FixGroup[] = [];
  let size = 0;
  for (const group of groups) {
    const ids = [...group.ids].sort();
    for (let at = 0; at < ids.length; at += IDS_PER_WRITE) {
      const piece = {
        seen: group.seen,
        truth: group.truth,
        ids: ids.slice(at, at + IDS_PER_WRITE),
      };
      if (current.length === GROUPS_PER_WRITE || size + piece.ids.length > IDS_PER_WRITE) {
        writes.push(current);
        current = [];
        size = 0;
      }
      current.push(piece);
      size += piece.ids.length;
    }
  }
  if (current.length > 0) writes.push(current);
  return writes;
}

/**
 * Writes fixes field by field, as compare-and-set updates grouped by (value read, value to
 * write): `write` sends one packed write of one field (each group one
 * `updateMany({...spannedIds(ids), <field>: seen}, {$set: {<field>: truth}})`) and answers how
 * many documents matched. Fields without fixes cost no round trip.
 */
export async function applyFieldByField<Field extends string>(
  fields: readonly Field[],
  fixes: CounterFix<Field>[],
  write: (field: Field, groups: FixGroup[]) => Promise<number>,
): Promise<FixOutcome<Field>> {
  const outcome = {} as FixOutcome<Field>;
  for (const field of fields) {
    const ofField = fixes.filter((fix) => fix.field === field);
    let corrected = 0;
    for (const groups of packWrites(groupFixes(ofField))) corrected += await write(field, groups);
    outcome[field] = { corrected, conflicts: ofField.length - corrected };
  }
  return outcome;
}
