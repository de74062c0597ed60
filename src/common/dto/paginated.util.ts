/** The paginated `data` object (docs/api.md#paginated-object), keys in the documented order. */
export interface Paginated<T> {
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
}

export function paginate<T>(
  docs: T[],
  totalDocs: number,
  page: number,
  limit: number,
): Paginated<T> {
  const totalPages = Math.max(1, Math.ceil(totalDocs / limit));
  const hasPrevPage = page > 1;
  const hasNextPage = page < totalPages;
  return {
    docs,
    totalDocs,
    limit,
    page,
    totalPages,
    pagingCounter: (page - 1) * limit + 1,
    hasPrevPage,
    hasNextPage,
    prevPage: hasPrevPage ? page - 1 : null,
    nextPage: hasNextPage ? page + 1 : null,
  };
}

/**
 * The paginated object of a list with cursor pages (docs/api.md#cursor-pages): the same keys,
 * then `nextCursor`, the position after the last doc, or null when nothing follows.
 */
export interface CursorPaginated<T> extends Paginated<T> {
  nextCursor: string | null;
}

/** The response header carrying a plain-array list's next cursor (docs/api.md#cursor-pages). */
export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

/**
 * A page of a plain-array list with cursor pages: `items` is the `data` array, and `nextCursor`
 * travels in the `X-Next-Cursor` header (absent when nothing follows), so the array stays an
 * array.
 */
export interface CursorList<T> {
  items: T[];
  nextCursor: string | null;
}
