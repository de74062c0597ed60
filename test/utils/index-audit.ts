import type { Connection } from 'mongoose';
import {
  type Constraint,
  describeFilter,
  describeSort,
  type FilterShape,
  type QueryShape,
  shapeKey,
  type SortKey,
} from 'test/utils/query-shapes';

/**
 * MongoDB's `notablescan`, emulated, and stricter: which declared index serves a query shape by
 * the ESR rule (equality, then sort, then range). The rule, as `docs/performance.md` states it:
 *
 * 1. **Point lookups.** A unique index (`_id` included) whose every key the shape binds by
 *    equality (or `$in`) serves it, whatever else it filters or sorts on: at most one document
 *    per value.
 * 2. **E.** Otherwise the index starts with *all* the shape's equality fields, in any order. An
 *    equality field left out of the index would be a filter over every entry of the scan, and
 *    it costs nothing to put it first. `$in` counts as equality only when the shape does not
 *    sort (after an `$in` the index order is not the sort order without a merge, which we do not
 *    rely on); with a sort it is a range.
 * 3. **S.** Then the sort keys in order, all in the index's direction or all reversed; a key the
 *    shape binds by equality may sit anywhere (it is constant). An index that gives the
 *    equalities but not the order is a blocking sort: not served.
 * 4. **R.** A range on the next key bounds the scan further. A range (or `$ne`, `$exists`) on a
 *    field outside the index is a residual filter over the E(+S) scan: allowed, and listed.
 * 5. The index must bound the scan (an equality key or a range on its first key). A shape with no
 *    predicate at all is served by an index that gives its sort: an ordered scan, which the page's
 *    limit stops.
 * 6. `$or`: when the rest of the shape is served, the `$or` is a residual filter, unless every
 *    branch (with the rest) binds more index keys on its own: then, as when the rest is not
 *    served, each branch must be served by an index of its own (an index union).
 * 7. A regex that is unanchored or case-insensitive, an `$expr` other than a field's equality,
 *    `$where` and unknown commands are findings wherever they appear: no index bounds them.
 * 8. TTL indexes are declared but serve no query (`expireAfterSeconds`: they exist for clean-up).
 */

export interface DeclaredIndex {
  collection: string;
  /** MongoDB's default name for the key pattern, e.g. `owner_1_createdAt_-1__id_-1`. */
  name: string;
  keys: SortKey[];
  unique: boolean;
  ttl: boolean;
}

/** How one index serves one conjunction of predicates. */
interface Fit {
  index: DeclaredIndex;
  point: boolean;
  /** Index keys the predicates bound (equality prefix, plus a range right after it and the sort). */
  bound: number;
  residual: string[];
}

export interface Verdict {
  key: string;
  shape: QueryShape;
  /** The index (or, for an `$or` served as a union, the indexes) a planner following ESR would use. */
  indexes: DeclaredIndex[];
  /** How: `point`, `ESR`, `ordered scan`, `union`. Null when no plan exists. */
  plan: string | null;
  /** Predicates applied to the documents the index scan returns. */
  residual: string[];
  /** Why the shape is not served; empty when it is. */
  problems: string[];
}

/** Every index the models declare, plus each collection's `_id`. */
export function declaredIndexes(connection: Connection): DeclaredIndex[] {
  const indexes: DeclaredIndex[] = [];
  for (const model of Object.values(connection.models)) {
    const collection = model.collection.collectionName;
    indexes.push({ collection, name: '_id_', keys: [['_id', 1]], unique: true, ttl: false });
    for (const [fields, options] of model.schema.indexes()) {
      const keys = Object.entries(fields).map(([field, direction]): SortKey => [
        field,
        direction === -1 ? -1 : 1,
      ]);
      indexes.push({
        collection,
        name: keys.map(([field, direction]) => `${field}_${direction}`).join('_'),
        keys,
        unique: options.unique === true,
        ttl: options.expireAfterSeconds !== undefined,
      });
    }
  }
  return indexes;
}

export function indexLabel(index: DeclaredIndex): string {
  const keys = index.keys.map(([field, direction]) => `${field}: ${direction}`).join(', ');
  return `{${keys}}${index.unique ? ' unique' : ''}${index.ttl ? ' TTL' : ''}`;
}

function isEquality(constraint: Constraint | undefined, sorted: boolean): boolean {
  return constraint === 'eq' || (constraint === 'in' && !sorted);
}

function fit(
  fields: Record<string, Constraint>,
  sort: SortKey[],
  index: DeclaredIndex,
): Fit | null {
  if (index.ttl) return null;
  const keys = index.keys.map(([field]) => field);
  const named = Object.keys(fields);
  const residualOf = (used: string[]): string[] =>
    named.filter((field) => !used.includes(field)).map((field) => `${field}: ${fields[field]}`);

  if (index.unique && keys.every((key) => fields[key] === 'eq' || fields[key] === 'in')) {
    return { index, point: true, bound: keys.length, residual: residualOf(keys) };
  }

  const sorted = sort.length > 0;
  let at = 0;
  while (at < keys.length && isEquality(fields[keys[at]], sorted)) at++;
  const prefix = keys.slice(0, at);
  if (named.some((field) => isEquality(fields[field], sorted) && !prefix.includes(field)))
    return null;
  let bound = at;
  const used = [...prefix];

  let relative: 1 | -1 | 0 = 0;
  for (const [field, direction] of sort.filter(([field]) => fields[field] !== 'eq')) {
    if (at >= keys.length || keys[at] !== field) return null;
    const sameWay = index.keys[at][1] === direction ? 1 : -1;
    if (relative !== 0 && sameWay !== relative) return null;
    relative = sameWay;
    // A range on the first key after the equalities bounds the scan even when it is also the
    // sort key (`{_id: {$gt: last}}` sorted by `_id`: a keyset walk).
    if (at === prefix.length && (fields[field] === 'range' || fields[field] === 'in')) bound++;
    used.push(field);
    at++;
  }

  const next = fields[keys[at]];
  if (at < keys.length && (next === 'range' || next === 'in')) {
    used.push(keys[at]);
    bound++;
  }
  if (named.length === 0)
    return sorted && relative !== 0 ? { index, point: false, bound, residual: [] } : null;
  if (bound === 0) return null;
  return { index, point: false, bound, residual: residualOf(used) };
}

/** What a planner would pick: a point lookup, then the most bound keys, fewest residuals, smallest index. */
function bestFit(
  fields: Record<string, Constraint>,
  sort: SortKey[],
  indexes: DeclaredIndex[],
): Fit | null {
  const fits = indexes.flatMap((index) => fit(fields, sort, index) ?? []);
  fits.sort(
    (a, b) =>
      Number(b.point) - Number(a.point) ||
      b.bound - a.bound ||
      a.residual.length - b.residual.length ||
      a.index.keys.length - b.index.keys.length,
  );
  return fits[0] ?? null;
}

/** Regexes and opaque predicates anywhere in the filter, `$or` branches included. */
function unindexable(filter: FilterShape): string[] {
  const found: string[] = [];
  for (const [field, constraint] of Object.entries(filter.fields)) {
    if (constraint === 'regex') found.push(`unanchored or case-insensitive regex on ${field}`);
    if (constraint === 'other') found.push(`unindexable operator on ${field}`);
  }
  for (const opaque of filter.opaque) found.push(`${opaque} cannot use an index`);
  for (const branches of filter.or)
    for (const branch of branches) found.push(...unindexable(branch));
  return [...new Set(found)];
}

function orResidual(filter: FilterShape): string[] {
  return filter.or.map((branches) => `$or: [${branches.map(describeFilter).join(' | ')}]`);
}

export function judge(shape: QueryShape, indexes: DeclaredIndex[]): Verdict {
  const own = indexes.filter((index) => index.collection === shape.collection);
  const { filter, sort } = shape;
  const verdict: Verdict = {
    key: shapeKey(shape),
    shape,
    indexes: [],
    plan: null,
    residual: [],
    problems: unindexable(filter),
  };

  const direct = bestFit(filter.fields, sort, own);
  const [firstOr, ...otherOrs] = filter.or;
  const branchFits = firstOr
    ? firstOr.map((branch) => bestFit({ ...filter.fields, ...branch.fields }, sort, own))
    : [];
  const union =
    branchFits.length > 0 && branchFits.every((branchFit) => branchFit !== null)
      ? branchFits
      : null;

  // An `$or` whose every branch binds more keys than the rest alone is a union of index scans.
  if (direct && !(union && union.every((branchFit) => branchFit.bound > direct.bound))) {
    const noFilter = Object.keys(filter.fields).length === 0;
    verdict.indexes = [direct.index];
    verdict.plan = direct.point ? 'point' : noFilter ? 'ordered scan' : 'ESR';
    verdict.residual = [...direct.residual, ...orResidual(filter)];
    return verdict;
  }
  if (union) {
    verdict.indexes = [...new Set(union.map((branchFit) => branchFit.index))];
    verdict.plan = 'union';
    verdict.residual = [
      ...new Set(union.flatMap((branchFit) => branchFit.residual)),
      ...orResidual({ ...filter, or: otherOrs }),
    ];
    return verdict;
  }

  verdict.problems.push(
    Object.keys(filter.fields).length === 0 && filter.or.length === 0
      ? sort.length > 0
        ? 'no predicate and no index gives its sort: a collection scan and a blocking sort'
        : 'no predicate: a collection scan'
      : 'no declared index serves it by ESR',
  );
  return verdict;
}

/** A problem excused on purpose: on which collection, worded exactly as `judge` words it, and why. */
export interface Allowance {
  collection: string;
  problem: string;
  reason: string;
}

function isAllowed(verdict: Verdict, problem: string, allowed: Allowance[]): boolean {
  return allowed.some(
    (entry) => entry.collection === verdict.shape.collection && entry.problem === problem,
  );
}

export interface AuditResult {
  verdicts: Verdict[];
  /** Shapes with a problem no allowance excuses, with the problems. */
  failures: string[];
  /** Allowances that excuse no recorded problem any more. */
  staleAllowances: string[];
  /**
   * Declared indexes no shape needs: without each of them, every shape would still be served as
   * well as it is (unique and TTL indexes are kept for what they enforce).
   */
  unneeded: { index: DeclaredIndex; why: string }[];
}

export function audit(
  shapes: QueryShape[],
  indexes: DeclaredIndex[],
  allowed: Allowance[],
): AuditResult {
  const verdicts = shapes.map((shape) => judge(shape, indexes));
  verdicts.sort((a, b) => a.key.localeCompare(b.key));
  const failures = verdicts.flatMap((verdict) => {
    const open = verdict.problems.filter((problem) => !isAllowed(verdict, problem, allowed));
    return open.length > 0 ? [`${verdict.key}: ${open.join('; ')}`] : [];
  });
  const staleAllowances = allowed
    .filter(
      (entry) =>
        !verdicts.some(
          (verdict) =>
            verdict.shape.collection === entry.collection &&
            verdict.problems.includes(entry.problem),
        ),
    )
    .map((entry) => `${entry.collection}: ${entry.problem}`);
  // Greedy: drop what no shape uses first, then any index whose shapes the rest serve as well.
  const unneeded: { index: DeclaredIndex; why: string }[] = [];
  const used = new Set(verdicts.flatMap((verdict) => verdict.indexes));
  const candidates = indexes
    .filter((index) => !index.unique && !index.ttl)
    .sort((a, b) => Number(used.has(a)) - Number(used.has(b)));
  let kept = indexes;
  for (const candidate of candidates) {
    const without = kept.filter((index) => index !== candidate);
    const rejudged = verdicts.map((verdict) => ({ verdict, now: judge(verdict.shape, without) }));
    const worse = rejudged.some(({ verdict, now }) =>
      now.problems.some((problem) => !verdict.problems.includes(problem)),
    );
    if (worse) continue;
    kept = without;
    const instead = rejudged
      .filter(({ verdict }) => verdict.indexes.includes(candidate))
      .flatMap(({ now }) => now.indexes.map(indexLabel));
    unneeded.push({
      index: candidate,
      why:
        instead.length === 0
          ? 'no shape uses it'
          : `its shapes are served as well by ${[...new Set(instead)].join(', ')}`,
    });
  }
  return { verdicts, failures, staleAllowances, unneeded };
}

function reversed(sort: SortKey[]): SortKey[] {
  return sort.map(([field, direction]): SortKey => [field, direction === 1 ? -1 : 1]);
}

/**
 * The Markdown table of `docs/performance.md`: one row per shape with the index that serves it.
 * A sort and its reverse served by the same index (a backward scan) share one row.
 */
export function shapesTable(verdicts: Verdict[], allowed: Allowance[]): string {
  const escape = (text: string): string => text.replace(/\|/g, '\\|');
  const byKey = new Map(verdicts.map((verdict) => [verdict.key, verdict]));
  const rows = verdicts.flatMap((verdict) => {
    const { shape } = verdict;
    const mirror = shapeKey({ ...shape, sort: reversed(shape.sort) });
    const twin = shape.sort.length > 0 ? byKey.get(mirror) : undefined;
    const bothWays =
      twin !== undefined &&
      twin.indexes.length === verdict.indexes.length &&
      twin.indexes.every((index, at) => index === verdict.indexes[at]);
    // Of such a pair, the row is written once: for the sort in the index's own direction.
    const [field, direction] = shape.sort[0] ?? [];
    const own = verdict.indexes[0]?.keys.find(([key]) => key === field)?.[1] ?? -1;
    if (bothWays && direction !== own) return [];
    const sort =
      shape.sort.length > 0
        ? ` sort ${describeSort(shape.sort)}${bothWays ? ' and reversed' : ''}`
        : '';
    const query = `${shape.operation} ${describeFilter(shape.filter)}${sort}`;
    const served =
      verdict.indexes.length > 0
        ? `${verdict.indexes.map(indexLabel).join(' + ')} (${verdict.plan})`
        : '**none**';
    const note = verdict.problems
      .map(
        (problem) =>
          `${isAllowed(verdict, problem, allowed) ? 'allowed' : '**finding**'}: ${problem}`,
      )
      .join('; ');
    return [
      `| ${shape.collection} | \`${escape(query)}\` | ${escape(served)} | ${escape(verdict.residual.join(', '))} | ${escape(note)} |`,
    ];
  });
  return [
    '| collection | query shape | served by | residual filter | note |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
