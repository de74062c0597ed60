/**
 * The like toggle (follows use the same semantics), written once over the
 * three steps that touch storage. Race safety comes from the unique index behind `create`, not
 * from reading first: with no read-then-write there is no window in which two requests both
 * decide to create.
 */
export interface ToggleSteps {
  /** Deletes the caller's relation; true when one existed (and is now gone). */
  remove(): Promise<boolean>;
  /**
   * Creates it; true when this call created it. A duplicate key (a concurrent create won) must
   * resolve to false: the relation exists either way.
   */
  create(): Promise<boolean>;
  /** Asked after creating: is the target still there (and visible to the caller)? */
  targetStillExists(): Promise<boolean>;
}

export type ToggleOutcome = 'removed' | 'created' | 'target-gone';

/**
 * Delete-if-exists, else create. After a create the target is checked again: a delete of the
 * target that ran between the caller's 404 check and the create has already run its cascade,
 * which could not see this relation, so the relation is removed here and the caller gets 404.
 * Either the cascade (delete first) or this re-check (create first) sees the relation: nothing
 * is left behind.
 */
export async function toggleRelation(steps: ToggleSteps): Promise<ToggleOutcome> {
  if (await steps.remove()) return 'removed';
  await steps.create();
  if (await steps.targetStillExists()) return 'created';
  await steps.remove();
  return 'target-gone';
}
