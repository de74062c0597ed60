import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Connection } from 'mongoose';
import { requestContext } from 'src/common/http/request-context';

/**
 * How a filter constrains one field, as far as an index is concerned:
 * - `eq`: one value (also `null`, a subdocument, an element of an array field, `$eq`);
 * - `in`: a list of values (`$in`);
 * - `range`: `$gt`/`$gte`/`$lt`/`$lte`, or a case-sensitive regex anchored with `^`;
 * - `regex`: any other regex (unanchored or case-insensitive): no index bounds it;
 * - `ne`: `$ne`, `$nin`, `$not`; `exists`: `$exists`; `other`: any other operator.
 */
export type Constraint = 'eq' | 'in' | 'range' | 'regex' | 'ne' | 'exists' | 'other';

/** A filter reduced to what an index can use. */
export interface FilterShape {
  /** The constraint on each field path (dotted paths stay dotted). */
  fields: Record<string, Constraint>;
  /** One entry per `$or`, holding its branches. */
  or: FilterShape[][];
  /** Predicates no index serves at all: `$where`, `$nor`, `$expr` other than an equality... */
  opaque: string[];
}

export type SortKey = [field: string, direction: 1 | -1];

export interface QueryShape {
  collection: string;
  /**
   * `find`, `aggregate` (its leading `$match` and `$sort`), `lookup` (a `$lookup` sub-pipeline's,
   * on the joined collection), `update`, `delete`, `findAndModify`, `count`, `distinct`.
   */
  operation: string;
  filter: FilterShape;
  sort: SortKey[];
}

/** Driver commands that read or write no documents by a filter: nothing for an index to serve. */
const NOT_QUERIES = new Set([
  'insert',
  'getMore',
  'killCursors',
  'createIndexes',
  'listIndexes',
  'listCollections',
  'dropIndexes',
  'dropDatabase',
  'drop',
  'create',
  'endSessions',
  'hello',
  'ismaster',
  'isMaster',
  'ping',
  'buildInfo',
  'saslStart',
  'saslContinue',
]);

const STRENGTH: Constraint[] = ['eq', 'in', 'range', 'exists', 'ne', 'regex', 'other'];

function stronger(a: Constraint | undefined, b: Constraint): Constraint {
  return a === undefined || STRENGTH.indexOf(b) < STRENGTH.indexOf(a) ? b : a;
}

const RANGE_OPERATORS = ['$gt', '$gte', '$lt', '$lte'];

function regexConstraint(pattern: string, options: string): Constraint {
  // A case-sensitive prefix (`^abc`) is an index range; anything else scans every key.
  return pattern.startsWith('^') && !options.includes('i') && !pattern.includes('|')
    ? 'range'
    : 'regex';
}

function bsonType(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null
    ? ((value as { _bsontype?: string })._bsontype ?? undefined)
    : undefined;
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (value instanceof Date || bsonType(value) !== undefined) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

function constraintOf(value: unknown): Constraint {
  if (value instanceof RegExp) return regexConstraint(value.source, value.flags);
  if (bsonType(value) === 'BSONRegExp') {
    const regex = value as { pattern: string; options: string };
    return regexConstraint(regex.pattern, regex.options);
  }
  if (!isOperatorObject(value)) return 'eq';
  if ('$eq' in value) return 'eq';
  if ('$in' in value) return 'in';
  if ('$regex' in value) {
    const pattern = value.$regex;
    if (pattern instanceof RegExp) return regexConstraint(pattern.source, pattern.flags);
    const options = typeof value.$options === 'string' ? value.$options : '';
    return regexConstraint(String(pattern), options);
  }
  if (RANGE_OPERATORS.some((op) => op in value)) return 'range';
  if ('$ne' in value || '$nin' in value || '$not' in value) return 'ne';
  if ('$exists' in value) return 'exists';
  return 'other';
}

function emptyFilter(): FilterShape {
  return { fields: {}, or: [], opaque: [] };
}

function mergeInto(target: FilterShape, source: FilterShape): void {
  for (const [field, constraint] of Object.entries(source.fields))
    target.fields[field] = stronger(target.fields[field], constraint);
  target.or.push(...source.or);
  target.opaque.push(...source.opaque);
}

/** `$expr` as the `$lookup` sub-pipelines write it: `$eq` of a field and a variable or constant. */
function parseExpr(expr: unknown, into: FilterShape): void {
  if (isOperatorObject(expr) && Array.isArray(expr.$and)) {
    for (const part of expr.$and) parseExpr(part, into);
    return;
  }
  if (isOperatorObject(expr) && Array.isArray(expr.$eq) && expr.$eq.length === 2) {
    const [left, right] = expr.$eq as unknown[];
    const isField = (side: unknown): side is string =>
      typeof side === 'string' && side.startsWith('$') && !side.startsWith('$$');
    if (isField(left) && !isField(right)) {
      into.fields[left.slice(1)] = stronger(into.fields[left.slice(1)], 'eq');
      return;
    }
    if (isField(right) && !isField(left)) {
      into.fields[right.slice(1)] = stronger(into.fields[right.slice(1)], 'eq');
      return;
    }
  }
  into.opaque.push('$expr');
}

export function parseFilter(filter: unknown): FilterShape {
  const shape = emptyFilter();
  if (typeof filter !== 'object' || filter === null) return shape;
  for (const [key, value] of Object.entries(filter as Record<string, unknown>)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value) mergeInto(shape, parseFilter(part));
    } else if (key === '$or' && Array.isArray(value)) {
      shape.or.push(value.map((branch) => parseFilter(branch)));
    } else if (key === '$expr') {
      parseExpr(value, shape);
    } else if (key === '$comment') {
      continue;
    } else if (key.startsWith('$')) {
      shape.opaque.push(key);
    } else {
      // `videos.499` and `videos.4` are one shape: the position comes from configuration.
      const path = key.replace(/\.\d+(?=\.|$)/g, '.<n>');
      shape.fields[path] = stronger(shape.fields[path], constraintOf(value));
    }
  }
  return shape;
}

function parseSort(sort: unknown): SortKey[] {
  if (typeof sort !== 'object' || sort === null) return [];
  const entries = sort instanceof Map ? [...sort.entries()] : Object.entries(sort);
  return entries.map(([field, direction]) => [
    String(field),
    direction === -1 || direction === 'desc' || direction === 'descending' ? -1 : 1,
  ]);
}

type Stage = Record<string, unknown>;

/** The scan an aggregation starts with (its leading `$match` and `$sort`), then every join inside it. */
function pipelineShapes(
  collection: string,
  pipeline: Stage[],
  operation: string,
  joinedOn?: string,
): QueryShape[] {
  const filter = emptyFilter();
  let next = 0;
  if (pipeline[0]?.$match !== undefined) {
    mergeInto(filter, parseFilter(pipeline[0].$match));
    next = 1;
  }
  const sort = pipeline[next]?.$sort !== undefined ? parseSort(pipeline[next].$sort) : [];
  if (joinedOn !== undefined) filter.fields[joinedOn] = stronger(filter.fields[joinedOn], 'eq');
  return [{ collection, operation, filter, sort }, ...nestedShapes(pipeline)];
}

function nestedShapes(pipeline: Stage[]): QueryShape[] {
  const shapes: QueryShape[] = [];
  for (const stage of pipeline) {
    const lookup = stage.$lookup as
      { from: string; pipeline?: Stage[]; foreignField?: string } | undefined;
    if (lookup) {
      shapes.push(
        ...pipelineShapes(lookup.from, lookup.pipeline ?? [], 'lookup', lookup.foreignField),
      );
    }
    const union = stage.$unionWith as { coll: string; pipeline?: Stage[] } | string | undefined;
    if (union) {
      const coll = typeof union === 'string' ? union : union.coll;
      const sub = typeof union === 'string' ? [] : (union.pipeline ?? []);
      shapes.push(...pipelineShapes(coll, sub, 'unionWith'));
    }
    const facet = stage.$facet as Record<string, Stage[]> | undefined;
    // A facet's sub-pipelines read the stream already matched; only their joins scan anew.
    if (facet) for (const sub of Object.values(facet)) shapes.push(...nestedShapes(sub));
  }
  return shapes;
}

/**
 * The query shapes of one driver command; `[]` for commands that select no documents (insert,
 * index and session housekeeping). An unknown command becomes an opaque shape, so the audit
 * names it instead of silently passing it.
 */
export function shapesOf(commandName: string, command: Record<string, unknown>): QueryShape[] {
  if (NOT_QUERIES.has(commandName)) return [];
  const collection = String(command[commandName]);
  switch (commandName) {
    case 'find':
      return [
        {
          collection,
          operation: 'find',
          filter: parseFilter(command.filter),
          sort: parseSort(command.sort),
        },
      ];
    case 'count':
    case 'distinct':
      return [{ collection, operation: commandName, filter: parseFilter(command.query), sort: [] }];
    case 'findAndModify':
      return [
        {
          collection,
          operation: 'findAndModify',
          filter: parseFilter(command.query),
          sort: parseSort(command.sort),
        },
      ];
    case 'update':
      return (command.updates as { q: unknown }[]).map((update) => ({
        collection,
        operation: 'update',
        filter: parseFilter(update.q),
        sort: [],
      }));
    case 'delete':
      return (command.deletes as { q: unknown }[]).map((deletion) => ({
        collection,
        operation: 'delete',
        filter: parseFilter(deletion.q),
        sort: [],
      }));
    case 'aggregate':
      return pipelineShapes(collection, command.pipeline as Stage[], 'aggregate');
    default:
      return [
        {
          collection,
          operation: commandName,
          filter: { fields: {}, or: [], opaque: [`command ${commandName}`] },
          sort: [],
        },
      ];
  }
}

export function describeFilter(filter: FilterShape): string {
  const parts = Object.keys(filter.fields)
    .sort()
    .map((field) => `${field}: ${filter.fields[field]}`);
  for (const branches of filter.or)
    parts.push(`$or: [${branches.map((branch) => describeFilter(branch)).join(' | ')}]`);
  for (const opaque of filter.opaque) parts.push(opaque);
  return `{${parts.join(', ')}}`;
}

export function describeSort(sort: SortKey[]): string {
  return `{${sort.map(([field, direction]) => `${field}: ${direction}`).join(', ')}}`;
}

/** One line per distinct shape, e.g. `videos find {isPublished: eq} sort {views: -1, _id: -1}`. */
export function shapeKey(shape: QueryShape): string {
  const sort = shape.sort.length > 0 ? ` sort ${describeSort(shape.sort)}` : '';
  return `${shape.collection} ${shape.operation} ${describeFilter(shape.filter)}${sort}`;
}

export interface ShapeRecorder {
  /** The distinct shapes seen since the last reset, by key. */
  readonly shapes: Map<string, QueryShape>;
  reset(): void;
  stop(): void;
}

/**
 * Records the query shape of every command the driver sends (the app must run with
 * `DB_MONITOR_COMMANDS=true`). With `requestsOnly`, only commands sent while an HTTP request is
 * being served count: a test's own reads and writes (factories, snapshots) are not the app's
 * query shapes.
 */
export function recordQueryShapes(
  connection: Connection,
  options: { requestsOnly?: boolean } = {},
): ShapeRecorder {
  const shapes = new Map<string, QueryShape>();
  const client = connection.getClient();
  const listener = (event: { commandName: string; command: Record<string, unknown> }): void => {
    if (options.requestsOnly && requestContext.getStore() === undefined) return;
    for (const shape of shapesOf(event.commandName, event.command)) {
      const key = shapeKey(shape);
      if (!shapes.has(key)) shapes.set(key, shape);
    }
  };
  client.on('commandStarted', listener);
  return {
    shapes,
    reset: () => shapes.clear(),
    stop: () => {
      client.off('commandStarted', listener);
    },
  };
}

/** Where every test app of this Jest run appends the shapes it saw (set by the e2e global setup). */
export const SUITE_SHAPES_ENV = 'INDEX_AUDIT_SHAPES_FILE';

export interface RecordedShape {
  shape: QueryShape;
  /** The spec file whose app sent it first. */
  source: string;
}

/** Appends one app's shapes to the run's file, so the index audit (run last) sees the whole suite's. */
export function saveSuiteShapes(shapes: Iterable<QueryShape>): void {
  const file = process.env[SUITE_SHAPES_ENV];
  if (!file) return;
  const source = relative(process.cwd(), expect.getState().testPath ?? 'unknown');
  const lines = [...shapes].map((shape) => `${JSON.stringify({ shape, source })}\n`);
  if (lines.length > 0) appendFileSync(file, lines.join(''));
}

/** The shapes the apps of this Jest run have saved so far, one per key (first source kept). */
export function readSuiteShapes(): Map<string, RecordedShape> {
  const file = process.env[SUITE_SHAPES_ENV];
  const found = new Map<string, RecordedShape>();
  if (!file || !existsSync(file)) return found;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    const recorded = JSON.parse(line) as RecordedShape;
    const key = shapeKey(recorded.shape);
    if (!found.has(key)) found.set(key, recorded);
  }
  return found;
}
