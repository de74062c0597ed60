import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CursorList, CursorPaginated } from 'src/common/dto/paginated.util';
import { paginate } from 'src/common/dto/paginated.util';
import {
  type CursorCarry,
  CursorCodecService,
  type CursorKey,
  type CursorPosition,
} from 'src/common/pagination/cursor-codec.service';
import { PaginationErrors } from 'src/common/pagination/pagination.errors';

/** What a list's query gives the pager: a page number or a cursor (never both), and the limit. */
export interface CursorPageQuery {
  page?: number;
  cursor?: string;
  limit: number;
}

type KeyKind = 'date' | 'number' | 'string';
type KeyOf<T extends KeyKind> = T extends 'date' ? Date : T extends 'number' ? number : string;

/**
 * What a repository reads for one page: after `after` in the list's order (cursor pages) or
 * after skipping `skip` (numbered pages), `take` items: one past the page, so the page knows
 * whether a next one exists without counting.
 */
export interface PageWindow<K extends CursorKey = CursorKey> {
  after: CursorPosition<K> | null;
  skip: number;
  take: number;
}

/** One page being answered: the list it belongs to, the window to read, and how it was asked. */
export interface CursorPageRequest<K extends CursorKey = CursorKey> {
  readonly list: string;
  readonly limit: number;
  readonly window: PageWindow<K>;
  /** Numbered pages count their list (the contract's totals); cursor pages carry the count. */
  readonly needsTotal: boolean;
  /** The page number asked for; null on a cursor page. */
  readonly page: number | null;
  /** On a cursor page: the walk so far. */
  readonly carry: CursorCarry | null;
}

/**
 * Cursor pages beside numbered ones, for every list that answers the paginated object
 * (docs/api.md#cursor-pages), built one way: `open` reads the query (decoding and checking the
 * cursor against its list), the list's repository reads the window by keyset or by skip, and
 * `close` cuts the page, builds its docs and answers the paginated object plus `nextCursor`.
 *
 * A numbered page is what it always was (count and skip) plus the cursor after its last doc. A
 * cursor page costs one index-bounded read however deep the walk: no skip and no count. Its
 * totals are the count the walk's first page took, carried in the cursor, kept truthful by what
 * the walk has seen (never fewer than the docs delivered, plus one while more follow; exactly
 * the delivered docs on the last page); `page` is the ordinal the delivered docs make.
 */
@Injectable()
export class CursorPagesService {
  constructor(private readonly cursors: CursorCodecService) {}

  open<T extends KeyKind>(
    list: string,
    query: CursorPageQuery,
    kind: T,
  ): CursorPageRequest<KeyOf<T>> {
    const { limit } = query;
    if (query.cursor !== undefined) {
      const after = this.cursors.decode(list, query.cursor, kind);
      // This list's cursors always carry the walk; one without is not from here.
      const carry = after.carry;
      if (carry === undefined) throw PaginationErrors.invalidCursor();
      return {
        list,
        limit,
        window: { after, skip: 0, take: limit + 1 },
        needsTotal: false,
        page: null,
        carry,
      };
    }
    const page = query.page ?? 1;
    return {
      list,
      limit,
      window: { after: null, skip: (page - 1) * limit, take: limit + 1 },
      needsTotal: true,
      page,
      carry: null,
    };
  }

  /**
   * The page from the window's records (`take` at most, in the list's order): its docs built by
   * `build` from the first `limit` records, and the cursor after the last of them, positioned by
   * `positionOf`. `total` is the list's count on a numbered page, ignored on a cursor page.
   */
  async close<R, D, K extends CursorKey>(
    request: CursorPageRequest<K>,
    found: R[],
    total: number | null,
    positionOf: (record: R) => CursorPosition<K>,
    build: (records: R[]) => Promise<D[]>,
  ): Promise<CursorPaginated<D>> {
    const { limit } = request;
    const records = found.slice(0, limit);
    const hasMore = found.length > limit;
    const docs = await build(records);
    const last = records.at(-1);
    const served = request.carry ? request.carry.served : request.window.skip;
    const reached = served + records.length;

    if (request.page !== null) {
      const walkTotal = total ?? 0;
      const nextCursor =
        hasMore && last
          ? this.encode(request.list, positionOf(last), { total: walkTotal, served: reached })
          : null;
      return { ...paginate(docs, walkTotal, request.page, limit), nextCursor };
    }

    const carried = request.carry?.total ?? 0;
    const page = Math.floor(served / limit) + 1;
    const totalDocs = hasMore ? Math.max(carried, reached + 1) : reached;
    const totalPages = hasMore ? Math.max(page + 1, Math.ceil(totalDocs / limit)) : page;
    const nextCursor =
      hasMore && last
        ? this.encode(request.list, positionOf(last), { total: totalDocs, served: reached })
        : null;
    return {
      docs,
      totalDocs,
      limit,
      page,
      totalPages,
      pagingCounter: served + 1,
      hasPrevPage: page > 1,
      hasNextPage: hasMore,
      prevPage: page > 1 ? page - 1 : null,
      nextPage: hasMore ? page + 1 : null,
      nextCursor,
    };
  }

  /**
   * The same for a plain-array list: the docs of the window's first `limit` records and the
   * cursor after the last of them, for the `X-Next-Cursor` header; no totals.
   */
  async closeList<R, D, K extends CursorKey>(
    request: CursorPageRequest<K>,
    found: R[],
    positionOf: (record: R) => CursorPosition<K>,
    build: (records: R[]) => Promise<D[]>,
  ): Promise<CursorList<D>> {
    const records = found.slice(0, request.limit);
    const served = request.carry ? request.carry.served : request.window.skip;
    const last = records.at(-1);
    const nextCursor =
      found.length > request.limit && last
        ? this.encode(request.list, positionOf(last), {
            total: 0,
            served: served + records.length,
          })
        : null;
    return { items: await build(records), nextCursor };
  }

  private encode(list: string, position: CursorPosition, carry: CursorCarry): string {
    return this.cursors.encode(list, { key: position.key, id: position.id, carry });
  }
}

/**
 * For lists kept in memory (bounded: the watch history, the liked videos): whether `position`
 * comes after `after` in an order by key then `_id`, both in `direction`, as the keyset query
 * would find it.
 */
export function comesAfter(
  position: CursorPosition,
  after: CursorPosition,
  direction: 'asc' | 'desc',
): boolean {
  const [a, b] = [comparable(position.key), comparable(after.key)];
  const sign = direction === 'asc' ? 1 : -1;
  if (a !== b) return (a > b ? 1 : -1) === sign;
  return (position.id > after.id ? 1 : -1) === sign && position.id !== after.id;
}

function comparable(key: CursorKey): number | string {
  return key instanceof Date ? key.getTime() : key;
}

/**
 * Binds a cursor to a search text without carrying the text (a cursor stays short): a digest,
 * `-` for no text.
 */
export function searchKey(text: string): string {
  return text === '' ? '-' : createHash('sha256').update(text).digest('base64url').slice(0, 16);
}
