import type { Response } from 'supertest';
import { CURSOR_PAGINATION_KEYS } from 'test/utils/contract';

/** The paginated object of a list with cursor pages (docs/api.md#cursor-pages). */
export interface CursorPage<T = { _id: string }> {
  docs: T[];
  totalDocs: number;
  limit: number;
  page: number;
  totalPages: number;
  pagingCounter: number;
  hasPrevPage: boolean;
  hasNextPage: boolean;
  prevPage: number | null;
  nextPage: number | null;
  nextCursor: string | null;
}

/** `query` with `cursor` appended (nothing for the first page). */
export function withCursor(query: string, cursor: string | null): string {
  if (cursor === null) return query;
  return `${query}${query === '' ? '' : '&'}cursor=${encodeURIComponent(cursor)}`;
}

/** What a walk needs of one page: its items and the cursor of the next (`null` on the last). */
export interface WalkedPage {
  docs: { _id: string }[];
  nextCursor: string | null;
}

export interface CursorWalkOptions {
  /** Runs after each page that has a next one, before that one is fetched. */
  between?: (pageIndex: number) => Promise<void>;
  /** The walk stops after this many pages (a guard against a cursor that never ends). */
  maxPages?: number;
}

/**
 * Walks a cursor-paged list from its first page to its last: `fetch` gets the query of each page
 * (`query` with the cursor appended), `read` checks each answer and returns its page, `between`
 * runs after each page that has a next one.
 */
export async function walkCursor<P extends WalkedPage>(
  fetch: (query: string) => Promise<Response>,
  query: string,
  read: (res: Response) => P,
  { between, maxPages = 500 }: CursorWalkOptions = {},
): Promise<{ ids: string[]; pages: P[] }> {
  const ids: string[] = [];
  const pages: P[] = [];
  let cursor: string | null = null;
  do {
    const page = read(await fetch(withCursor(query, cursor)));
    pages.push(page);
    ids.push(...page.docs.map((doc) => doc._id));
    cursor = page.nextCursor;
    if (cursor !== null) await between?.(pages.length - 1);
  } while (cursor !== null && pages.length < maxPages);
  return { ids, pages };
}

/**
 * Walks a cursor-paged list from its first page to its last: `fetch` gets the query of each
 * page, `between` runs after each page that has a next one. Every page must answer 200 with the
 * paginated object's keys and `nextCursor`.
 */
export async function walkCursorPages<T extends { _id: string }>(
  fetch: (query: string) => Promise<Response>,
  query: string,
  between?: (pageIndex: number) => Promise<void>,
): Promise<{ ids: string[]; pages: CursorPage<T>[] }> {
  return walkCursor(
    fetch,
    query,
    (res) => {
      expect(res.status).toBe(200);
      const page = (res.body as { data: CursorPage<T> }).data;
      expect(Object.keys(page)).toEqual(CURSOR_PAGINATION_KEYS);
      return page;
    },
    { between },
  );
}

/** A small seeded PRNG (mulberry32): property runs are the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The order of a keyset list: `key`, then `_id` (hex order is ObjectId byte order), both in one
 * direction.
 */
export function keysetOrder<R extends { id: string }>(
  rows: R[],
  key: (row: R) => number | string,
  order: 'asc' | 'desc',
): string[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...rows]
    .sort((a, b) => {
      const [ka, kb] = [key(a), key(b)];
      if (ka !== kb) return ka < kb ? -sign : sign;
      return a.id < b.id ? -sign : sign;
    })
    .map((row) => row.id);
}

/**
 * Walks a plain-array list with cursor pages: `data` stays an array and the next cursor comes
 * in `X-Next-Cursor` (absent on the last page).
 */
export async function walkHeaderPages(
  fetch: (query: string) => Promise<Response>,
  query: string,
  between?: (pageIndex: number) => Promise<void>,
): Promise<{ ids: string[]; pages: number }> {
  const { ids, pages } = await walkCursor(
    fetch,
    query,
    (res) => {
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body.data)).toBe(true);
      return {
        docs: res.body.data as { _id: string }[],
        nextCursor: res.headers['x-next-cursor'] ?? null,
      };
    },
    { between },
  );
  return { ids, pages: pages.length };
}
