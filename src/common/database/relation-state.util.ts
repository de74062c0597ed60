/**
 * A user's relation to a target (a like, a follow), stored as one document behind a unique
 * index, and the three ways the API changes it: the toggle routes, and the idempotent PUT ("set")
 * and DELETE ("unset") of docs/api.md#idempotent-state. All three are this one function over the
 * three steps that touch storage. Race safety comes from the unique index behind `create`, not
 * from reading first: with no read-then-write there is no window in which two requests both
 * decide to create, and each step reports whether *it* changed anything, so whatever the steps
 * do per change (publish an event, move a counter) happens exactly once per stored change.
 */
export interface RelationSteps {
  /** Deletes the caller's relation; true when one existed (and this call removed it). */
  remove(): Promise<boolean>;
  /**
   * Creates it; true when this call created it. A duplicate key (a concurrent create won) must
   * resolve to false: the relation exists either way.
   */
  create(): Promise<boolean>;
  /** Asked after creating: is the target still there (and visible to the caller)? */
  targetStillExists(): Promise<boolean>;
}

/** What the caller asks for: flip the relation, make sure it exists, make sure it does not. */
export type RelationIntent = 'toggle' | 'set' | 'unset';

/** The caller's relation once the call is done, or `target-gone` (nothing is left behind). */
export type RelationOutcome = 'present' | 'absent' | 'target-gone';

/**
 * - `toggle`: delete-if-exists, else create.
 * - `set`: create (a relation that already exists is left as it is).
 * - `unset`: delete (a relation that does not exist is fine).
 *
 * After a create the target is checked again: a delete of the target that ran between the
 * caller's 404 check and the create has already run its cascade, which could not see this
 * relation, so the relation is removed here and the caller gets 404. Either the cascade (delete
 * first) or this re-check (create first) sees the relation: nothing is left behind. An `unset`
 * never creates, so it needs no re-check.
 */
export async function applyRelation(
  steps: RelationSteps,
  intent: RelationIntent,
): Promise<RelationOutcome> {
  if (intent !== 'set') {
    const removed = await steps.remove();
    if (removed || intent === 'unset') return 'absent';
  }
  await steps.create();
  if (await steps.targetStillExists()) return 'present';
  await steps.remove();
  return 'target-gone';
}

/**
 * The count to answer beside a relation state. The maintained counter moves in its own write
 * after the relation's, so while concurrent calls change the same relation it can be one off for
 * a moment (it settles once they are done; the reconcile job repairs a crash between the two
 * writes). The answer never goes below what the state itself proves: 1 with the relation, 0
 * without.
 */
export function countBeside(present: boolean, stored: number): number {
  return Math.max(present ? 1 : 0, stored);
}
