import { type Model, Types } from 'mongoose';
import {
  applyFieldByField,
  type CounterFix,
  type FixOutcome,
  spannedIds,
} from 'src/common/database/stored-counters.util';

/** Counter writes are not edits of the document: `updatedAt` stays. */
const QUIET = { timestamps: false } as const;

/**
 * What every repository that keeps counters on its documents (videos, comments, posts) does with
 * them, stated once: one atomic `$inc`, reading one counter by `_id`, and the reconcile job's
 * reads (in `_id` order, or by ids) and compare-and-set fixes. Lives beside the repositories that
 * own the model; only they construct it.
 */
export class CounterDocuments<Stored, Field extends string> {
  constructor(
    // Any schema: the queries below touch only `_id` and the counter fields.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private readonly model: Model<any>,
    private readonly projection: Record<string, 1>,
    private readonly fields: readonly Field[],
  ) {}

  /** Moves one counter by `delta`; a document that is gone is a no-op. */
  async increment(id: string, field: Field, delta: number): Promise<void> {
    await this.model.updateOne({ _id: oid(id) }, { $inc: { [field]: delta } }, QUIET).exec();
  }

  /** One counter by `_id` (0 on a document from before counters), or null when the document is gone. */
  async read(id: string, field: Field): Promise<number | null> {
    const found = await this.model
      .findOne({ _id: oid(id) })
      .select({ [field]: 1 })
      .lean<Record<string, unknown>>()
      .exec();
    if (!found) return null;
    const value = found[field];
    return typeof value === 'number' ? value : 0;
  }

  /** Reconcile: the next `limit` documents after `afterId` in `_id` order (the `_id` index). */
  findAfter(afterId: string | null, limit: number): Promise<Stored[]> {
    return this.model
      .find(afterId === null ? {} : { _id: { $gt: oid(afterId) } })
      .select(this.projection)
      .sort({ _id: 1 })
      .limit(limit)
      .lean<Stored[]>()
      .exec();
  }

  /** Reconcile: the stored counters of these documents (those that exist). */
  findByIds(ids: string[]): Promise<Stored[]> {
    return this.model
      .find({ _id: { $in: ids.map(oid) } })
      .select(this.projection)
      .limit(ids.length)
      .lean<Stored[]>()
      .exec();
  }

  /**
   * Reconcile: writes each fix only while the counter still holds the value read (a concurrent
   * `$inc` since then wins, and the next run looks again). `null` matches a missing field.
   */
  applyFixes(fixes: CounterFix<Field>[]): Promise<FixOutcome<Field>> {
    return applyFieldByField(this.fields, fixes, async (field, groups) => {
      const result = await this.model.bulkWrite(
        groups.map((group) => ({
          updateMany: {
            filter: { ...spannedIds(group.ids, oid), [field]: group.seen },
            update: { $set: { [field]: group.truth } },
            timestamps: false,
          },
        })),
        { ordered: false },
      );
      return result.matchedCount;
    });
  }
}

function oid(id: string): Types.ObjectId {
  return new Types.ObjectId(id);
}
