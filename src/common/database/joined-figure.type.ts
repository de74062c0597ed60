import type { PipelineStage } from 'mongoose';

/**
 * A figure that the module owning one collection computes inside another module's aggregation:
 * a `$lookup` stage that writes an array into the field `as`, and the function that turns that
 * array into the figure. A caller composes joins from several modules into one aggregation, so a
 * detail page costs one round trip, without learning their collections or field names.
 */
export interface JoinedFigure<T> {
  readonly stage: PipelineStage.Lookup;
  /** Reads the array the stage wrote into the joined document. */
  read(joined: Record<string, unknown>): T;
}

/** The first element of the array a `$lookup` wrote into `field`, if any. */
export function firstJoined<T>(joined: Record<string, unknown>, field: string): T | undefined {
  const value = joined[field];
  return Array.isArray(value) ? (value[0] as T | undefined) : undefined;
}
