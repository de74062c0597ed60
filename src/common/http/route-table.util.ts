import { METHODS } from 'node:http';
import type { Application } from 'express';

/**
 * What this table reads of Express's router (router 2.x): the route layers Nest registered, with
 * their methods, and `match()`, which is pure in that version (no request state on the layer).
 */
interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean | undefined> };
  match(path: string): { params: Record<string, string | string[]> } | false;
}

interface Entry {
  layer: RouteLayer;
  methods: Set<string>;
  /** Per path segment: 0 literal, 1 parameter, 2 wildcard; smaller is more specific. */
  specificity: number[];
}

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * The methods served per path, read once from the routes registered on the Express router (Nest's
 * controllers under the prefix and version, `/health/live`, the docs), on the first lookup, when
 * every route exists. Paths are matched by the router's own matchers, parameters included, so
 * the table cannot drift from what is served. Only consulted when routing already failed.
 */
export class RouteTable {
  private entries?: Entry[];

  constructor(private readonly app: Application) {}

  /**
   * Methods served at `path` (HEAD wherever GET is); empty when no route has this path. Only the
   * most specific routes count, as for routing itself: `/user/bio` is the bio resource (PATCH),
   * not a username that `GET /user/:username` would also match.
   */
  servedMethods(path: string): string[] {
    const served = new Set<string>();
    for (const entry of mostSpecific(this.matching(path)))
      for (const method of entry.methods) served.add(method);
    if (served.has('GET')) served.add('HEAD');
    return [...served].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }

  /**
   * The path parameters, still percent-encoded, of the route that serves `method` at `path`
   * (or of the first route with this path), or null when no route has it.
   */
  rawParams(method: string, path: string): Record<string, string[]> | null {
    const candidates = this.matching(path);
    const entry = candidates.find((candidate) => candidate.methods.has(method)) ?? candidates.at(0);
    const match = entry?.layer.match(keepEncoded(path));
    if (!match) return null;
    const params: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(match.params)) params[name] = [value].flat();
    return params;
  }

  private matching(path: string): Entry[] {
    const encoded = keepEncoded(path);
    return this.table().filter((entry) => entry.layer.match(encoded) !== false);
  }

  private table(): Entry[] {
    if (!this.entries) {
      const layers = this.app.router.stack as unknown as RouteLayer[];
      this.entries = layers.flatMap((layer) => {
        const methods = routeMethods(layer.route?.methods);
        return methods.length === 0 || isCatchAll(methods)
          ? []
          : [
              {
                layer,
                methods: new Set(methods),
                specificity: specificityOf(layer.route?.path ?? ''),
              },
            ];
      });
    }
    return this.entries;
  }
}

/** The methods an Express route serves, upper case (`_ALL` for a router's `all()`). */
export function routeMethods(methods: Record<string, boolean | undefined> | undefined): string[] {
  return Object.entries(methods ?? {})
    .filter(([, served]) => served)
    .map(([method]) => method.toUpperCase());
}

/**
 * A route for every method (`all()`: Nest's 404 handlers under the prefix and on the paths
 * excluded from it) serves nothing; it only catches what nothing else serves.
 */
export function isCatchAll(methods: string[]): boolean {
  return methods.includes('_ALL') || methods.length >= METHODS.length;
}

/**
 * The router decodes parameters while matching and throws on a malformed escape; escaping every
 * `%` matches the same route and hands back the parameters exactly as they were sent.
 */
function keepEncoded(path: string): string {
  return path.replaceAll('%', '%25');
}

function specificityOf(path: string): number[] {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (segment.startsWith('*') ? 2 : segment.includes(':') ? 1 : 0));
}

function compareSpecificity(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const difference = (a[i] ?? -1) - (b[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The entries tied for the most specific pattern (literal segments win, left to right). */
function mostSpecific(entries: Entry[]): Entry[] {
  if (entries.length === 0) return entries;
  const best = entries.reduce((a, b) =>
    compareSpecificity(a.specificity, b.specificity) <= 0 ? a : b,
  ).specificity;
  return entries.filter((entry) => compareSpecificity(entry.specificity, best) === 0);
}

function rank(method: string): number {
  const index = METHOD_ORDER.indexOf(method);
  return index === -1 ? METHOD_ORDER.length : index;
}
