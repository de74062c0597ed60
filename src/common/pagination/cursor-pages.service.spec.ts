import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import { comesAfter, CursorPagesService } from 'src/common/pagination/cursor-pages.service';
import type { AppConfig } from 'src/config/app-config';

interface Item {
  n: number;
  id: string;
}

const ITEMS: Item[] = Array.from({ length: 7 }, (_, n) => ({
  n,
  id: n.toString(16).padStart(24, '0'),
}));
const positionOf = (item: Item) => ({ key: item.n, id: item.id });
const build = (items: Item[]) => Promise.resolve(items.map((item) => item.n));

function setup() {
  const codec = new CursorCodecService({ auth: { accessSecret: 'a'.repeat(40) } } as AppConfig);
  return { codec, sut: new CursorPagesService(codec) };
}

/** The window a repository would read from ITEMS (ascending by `n`). */
function read(window: { after: { key: number } | null; skip: number; take: number }): Item[] {
  const rest = window.after === null ? ITEMS : ITEMS.filter((item) => item.n > window.after!.key);
  return rest.slice(window.skip, window.skip + window.take);
}

describe('CursorPagesService', () => {
  it('answers a numbered page as paginate does, plus the cursor after its last doc', async () => {
    const { sut } = setup();
    const request = sut.open('l', { page: 2, limit: 3 }, 'number');
    expect(request.window).toEqual({ after: null, skip: 3, take: 4 });
    const page = await sut.close(request, read(request.window), 7, positionOf, build);
    expect(page).toMatchObject({
      docs: [3, 4, 5],
      totalDocs: 7,
      page: 2,
      totalPages: 3,
      pagingCounter: 4,
      hasNextPage: true,
    });
    expect(typeof page.nextCursor).toBe('string');
  });

  it('walks by cursor without counting, carrying the first count and the position', async () => {
    const { sut } = setup();
    let request = sut.open('l', { limit: 3 }, 'number');
    expect(request.needsTotal).toBe(true);
    const seen: number[] = [];
    const pages = [];
    let page = await sut.close(request, read(request.window), 7, positionOf, build);
    for (;;) {
      seen.push(...page.docs);
      pages.push(page);
      if (page.nextCursor === null) break;
      request = sut.open('l', { cursor: page.nextCursor, limit: 3 }, 'number');
      expect(request.needsTotal).toBe(false);
      page = await sut.close(request, read(request.window), null, positionOf, build);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(pages.map(({ docs: _d, nextCursor: _c, ...rest }) => rest)).toEqual(
      [1, 2, 3].map((n) => ({
        totalDocs: 7,
        limit: 3,
        page: n,
        totalPages: 3,
        pagingCounter: (n - 1) * 3 + 1,
        hasPrevPage: n > 1,
        hasNextPage: n < 3,
        prevPage: n > 1 ? n - 1 : null,
        nextPage: n < 3 ? n + 1 : null,
      })),
    );
  });

  it('never reports fewer items than the walk reached, nor more on its last page', async () => {
    const { codec, sut } = setup();
    // The first page counted 2; more arrived since.
    const cursor = codec.encode('l', { key: 1, id: ITEMS[1].id, carry: { total: 2, served: 2 } });
    const request = sut.open('l', { cursor, limit: 2 }, 'number');
    const middle = await sut.close(request, read(request.window), null, positionOf, build);
    expect(middle).toMatchObject({ docs: [2, 3], totalDocs: 5, page: 2, totalPages: 3 });
    const end = codec.encode('l', { key: 5, id: ITEMS[5].id, carry: { total: 40, served: 6 } });
    const lastRequest = sut.open('l', { cursor: end, limit: 2 }, 'number');
    const last = await sut.close(lastRequest, read(lastRequest.window), null, positionOf, build);
    expect(last).toMatchObject({
      docs: [6],
      totalDocs: 7,
      page: 4,
      totalPages: 4,
      hasNextPage: false,
    });
    expect(last.nextCursor).toBeNull();
  });

  it('refuses a cursor of this list that carries no walk, and one of another list', () => {
    const { codec, sut } = setup();
    const bare = codec.encode('l', { key: 1, id: ITEMS[1].id });
    expect(() => sut.open('l', { cursor: bare, limit: 2 }, 'number')).toThrow(
      expect.objectContaining({ code: 'INVALID_CURSOR' }),
    );
    const other = codec.encode('m', { key: 1, id: ITEMS[1].id, carry: { total: 1, served: 1 } });
    expect(() => sut.open('l', { cursor: other, limit: 2 }, 'number')).toThrow(
      expect.objectContaining({ code: 'INVALID_CURSOR' }),
    );
  });
});

describe('comesAfter', () => {
  const A = '0'.repeat(23) + 'a';
  const B = '0'.repeat(23) + 'b';
  it.each([
    [{ key: 1, id: A }, { key: 2, id: A }, 'desc', true],
    [{ key: 2, id: A }, { key: 1, id: A }, 'desc', false],
    [{ key: 1, id: A }, { key: 1, id: B }, 'desc', true],
    [{ key: 1, id: B }, { key: 1, id: A }, 'desc', false],
    [{ key: 1, id: A }, { key: 1, id: A }, 'desc', false],
    [{ key: 2, id: A }, { key: 1, id: B }, 'asc', true],
    [{ key: 1, id: B }, { key: 1, id: A }, 'asc', true],
    [{ key: 1, id: A }, { key: 1, id: A }, 'asc', false],
    [{ key: new Date(1), id: A }, { key: new Date(2), id: A }, 'desc', true],
  ] as const)('%p after %p in %s order: %p', (position, after, direction, expected) => {
    expect(comesAfter(position, after, direction)).toBe(expected);
  });
});
