import { Types } from 'mongoose';
import type { CursorKey, CursorPosition } from 'src/common/pagination/cursor-codec.service';

/** 1: ascending, -1: descending. */
export type KeysetDirection = 1 | -1;

/**
 * The keyset condition of a list ordered by `field` then `_id`, both in `direction`: the items
 * after `after` (docs/api.md#cursor-pages), `field` past the key, or equal to it with `_id` past
 * the id. Each branch binds one more key of the list's `{…, field, _id}` index than its
 * equalities alone, so the scan starts at the position however deep it is.
 */
export function keysetAfter(
  field: string,
  direction: KeysetDirection,
  after: CursorPosition<CursorKey>,
): { $or: Record<string, unknown>[] } {
  const past = direction === 1 ? '$gt' : '$lt';
  return {
    $or: [
      { [field]: { [past]: after.key } },
      { [field]: after.key, _id: { [past]: new Types.ObjectId(after.id) } },
    ],
  };
}
