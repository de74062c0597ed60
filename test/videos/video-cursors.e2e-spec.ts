import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { Types } from 'mongoose';
import type request from 'supertest';
import { Video } from 'src/modules/videos/schemas/video.schema';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { insertVideos, type StoredVideoOverrides } from 'test/factories/videos.factory';
import { PAGINATION_KEYS } from 'test/utils/contract';
import {
  type CursorPage,
  keysetOrder,
  seededRandom,
  walkCursorPages,
  withCursor,
} from 'test/utils/cursor-walk';
import { api, expectError, expectSuccess } from 'test/videos/video-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';

interface Card {
  _id: string;
  title: string;
  views: number;
  duration: number;
  createdAt: string;
}

type Page = CursorPage<Card>;

type SortBy = 'createdAt' | 'views' | 'duration' | 'title';
const SORTS: SortBy[] = ['createdAt', 'views', 'duration', 'title'];
const ORDERS = ['desc', 'asc'] as const;

/** A stored video as the list orders it. */
interface Row {
  id: string;
  createdAt: Date;
  views: number;
  duration: number;
  title: string;
}

/** The list's order: the sort key, then `_id` (hex order is ObjectId byte order), one direction. */
function expectedOrder(rows: Row[], sortBy: SortBy, order: 'asc' | 'desc'): string[] {
  return keysetOrder(
    rows,
    (row) => (sortBy === 'createdAt' ? row.createdAt.getTime() : row[sortBy]),
    order,
  );
}

/**
 * `GET /video` and `GET /video/me` by cursor (docs/api.md#cursor-pages): every sort order is a
 * keyset of its own; numbered pages answer as before plus `nextCursor`.
 */
describe('video lists by cursor', () => {
  let t: TestApp;
  let videos: Model<Video>;

  beforeAll(async () => {
    t = await createTestApp();
    videos = t.app.get<Model<Video>>(getModelToken(Video.name));
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (path: string, query: string, user?: TestUser): Promise<request.Response> => {
    const req = api(t).get(`/api/v1${path}?${query}`);
    return user ? req.set('Authorization', user.authHeader) : req;
  };
  /** Walks a list from its first page by cursor; `between` runs after each page. */
  const walk = (
    path: string,
    query: string,
    options: { user?: TestUser; between?: (pageIndex: number) => Promise<void> } = {},
  ): Promise<{ ids: string[]; pages: Page[] }> =>
    walkCursorPages<Card>((q) => get(path, q, options.user), query, options.between);

  const rowsOf = async (ids: string[]): Promise<Row[]> =>
    (
      await videos
        .find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } })
        .lean()
        .exec()
    ).map((video) => ({
      id: video._id.toHexString(),
      createdAt: video.createdAt,
      views: video.views,
      duration: video.duration,
      title: video.title,
    }));

  describe('every sort order', () => {
    let creator: TestUser;
    let rows: Row[];
    let allRows: Row[];

    beforeAll(async () => {
      creator = await createVerifiedUser(t);
      // Many ties on every key, so the `_id` tie-breaker carries the walk across pages.
      const many: StoredVideoOverrides[] = [];
      for (let i = 0; i < 23; i++) {
        many.push({
          createdAt: new Date(Date.UTC(2026, 2, 1, 12, 0, i % 4)),
          views: i % 3,
          duration: 5 + (i % 2),
          title: ['Salsa', 'salsa', 'Bachata', 'Ésta'][i % 4],
        });
      }
      many.push({ isPublished: false, title: 'Hidden' });
      allRows = await rowsOf(await insertVideos(t, creator.id, many));
      rows = allRows.filter((row) => row.title !== 'Hidden');
    });

    for (const sortBy of SORTS) {
      for (const order of ORDERS) {
        it(`walks sortBy=${sortBy}&sortOrder=${order} exactly once, in order, as the numbered pages do`, async () => {
          const query = `userId=${creator.id}&sortBy=${sortBy}&sortOrder=${order}&limit=5`;
          const { ids, pages } = await walk('/video', query);
          expect(ids).toEqual(expectedOrder(rows, sortBy, order));
          expect(new Set(ids).size).toBe(23);
          // The same order as the numbered pages, page for page, with the same totals.
          expect(pages.map((page) => page.page)).toEqual([1, 2, 3, 4, 5]);
          for (const page of pages) {
            expect(page).toMatchObject({
              totalDocs: 23,
              limit: 5,
              totalPages: 5,
              pagingCounter: (page.page - 1) * 5 + 1,
              hasPrevPage: page.page > 1,
              hasNextPage: page.page < 5,
              prevPage: page.page > 1 ? page.page - 1 : null,
              nextPage: page.page < 5 ? page.page + 1 : null,
            });
          }
          expect(pages[4].nextCursor).toBeNull();
          const numbered = await get('/video', `${query}&page=3`);
          const { nextCursor: _n, ...third } = pages[2];
          const { nextCursor: _m, ...numberedThird } = numbered.body.data as Page;
          expect(numberedThird).toEqual(third);
        });
      }
    }

    it('walks a search and the whole catalogue too', async () => {
      const query = `userId=${creator.id}&query=alsa&sortBy=title&sortOrder=asc&limit=4`;
      const salsas = rows.filter((row) => /alsa/i.test(row.title));
      expect((await walk('/video', query)).ids).toEqual(expectedOrder(salsas, 'title', 'asc'));
      const everything = await walk('/video', 'limit=50');
      expect(everything.ids).toEqual(expect.arrayContaining(rows.map((row) => row.id)));
      expect(new Set(everything.ids).size).toBe(everything.ids.length);
    });

    it('walks GET /video/me, unpublished videos included, with cursors bound to the caller', async () => {
      const { ids } = await walk('/video/me', 'limit=7', { user: creator });
      expect(ids).toEqual(expectedOrder(allRows, 'createdAt', 'desc'));
      const first = (await get('/video/me', 'limit=7', creator)).body.data as Page;
      const other = await createVerifiedUser(t);
      expectError(
        await get('/video/me', withCursor('limit=7', first.nextCursor), other),
        400,
        'INVALID_CURSOR',
        'Invalid cursor',
      );
    });
  });

  describe('numbered pages (the web client)', () => {
    it('answer the paginated object as before, plus nextCursor, which continues after the page', async () => {
      const creator = await createVerifiedUser(t);
      const ids = await insertVideos(
        t,
        creator.id,
        Array.from({ length: 12 }, (_, i) => ({ createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)) })),
      );
      const newest = [...ids].reverse();
      const res = await get('/video', `userId=${creator.id}&page=2&limit=5`);
      expectSuccess(res, 200, 'Videos fetched');
      const data = res.body.data as Page;
      expect(Object.keys(data)).toEqual([...PAGINATION_KEYS, 'nextCursor']);
      expect(data).toMatchObject({
        totalDocs: 12,
        limit: 5,
        page: 2,
        totalPages: 3,
        pagingCounter: 6,
        hasPrevPage: true,
        hasNextPage: true,
        prevPage: 1,
        nextPage: 3,
      });
      expect(data.docs.map((doc) => doc._id)).toEqual(newest.slice(5, 10));
      const next = (
        await get('/video', withCursor(`userId=${creator.id}&limit=5`, data.nextCursor))
      ).body.data as Page;
      expect(next.docs.map((doc) => doc._id)).toEqual(newest.slice(10));
      expect(next).toMatchObject({ page: 3, totalDocs: 12, hasNextPage: false, nextCursor: null });
      const last = (await get('/video', `userId=${creator.id}&page=3&limit=5`)).body.data as Page;
      expect(last.nextCursor).toBeNull();
    });
  });

  it('returns every video that stays exactly once, in order, while videos come and go between pages', async () => {
    const creator = await createVerifiedUser(t);
    const at = (minute: number): Date => new Date(Date.UTC(2026, 5, 1, 0, minute));
    const ids = await insertVideos(
      t,
      creator.id,
      Array.from({ length: 30 }, (_, i) => ({ createdAt: at(100 + Math.floor(i / 2)) })),
    );
    const initial = expectedOrder(await rowsOf(ids), 'createdAt', 'desc');
    const deleted = new Set<string>();
    const addedBelow: string[] = [];
    const { ids: seen } = await walk('/video', `userId=${creator.id}&limit=4`, {
      between: async (pageIndex) => {
        // Newer videos land above the position: a keyset walk does not return them.
        await insertVideos(t, creator.id, [{ createdAt: at(500 + pageIndex) }]);
        // Older ones (each older than the last) land below it: the walk reaches them.
        addedBelow.push(
          ...(await insertVideos(t, creator.id, [{ createdAt: at(50 - pageIndex) }])),
        );
        // One already served and one not yet served disappear.
        const servedSoFar = (pageIndex + 1) * 4;
        for (const victim of [initial[servedSoFar - 1], initial[servedSoFar + 2]]) {
          if (victim === undefined || deleted.has(victim)) continue;
          deleted.add(victim);
          await videos.deleteOne({ _id: new Types.ObjectId(victim) }).exec();
        }
      },
    });
    expect(new Set(seen).size).toBe(seen.length);
    // Each video present through the whole walk came exactly once, in the list's order.
    const stayed = initial.filter((id) => !deleted.has(id));
    expect(seen.filter((id) => stayed.includes(id))).toEqual(stayed);
    // Deleted before being reached: never served. Served, then deleted: served once.
    for (const id of deleted) expect(seen.filter((s) => s === id).length).toBeLessThanOrEqual(1);
    expect(seen.filter((id) => addedBelow.includes(id))).toEqual(addedBelow);
    expect(
      seen.every((id) => stayed.includes(id) || deleted.has(id) || addedBelow.includes(id)),
    ).toBe(true);
  });

  it('refuses forged, altered and foreign cursors with 400 INVALID_CURSOR', async () => {
    const creator = await createVerifiedUser(t);
    const other = await createVerifiedUser(t);
    await insertVideos(t, creator.id, [{}, {}, {}]);
    const base = `userId=${creator.id}&limit=1`;
    const cursor = ((await get('/video', base)).body.data as Page).nextCursor as string;
    expect(typeof cursor).toBe('string');
    const [body, tag] = cursor.split('.');
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const reSigned = (changes: Record<string, unknown>): string =>
      `${Buffer.from(JSON.stringify({ ...payload, ...changes })).toString('base64url')}.${tag}`;
    const mine = ((await get('/video/me', 'limit=1', creator)).body.data as Page).nextCursor;
    const bad: [string, string][] = [
      [base, `${body}.${tag.slice(0, -2)}AA`], // altered tag
      [base, reSigned({ c: [1000, 0] })], // altered carry
      [base, reSigned({ k: 0 })], // altered position
      [base, 'not-a-cursor'],
      [base, `${body}`],
      [`userId=${other.id}&limit=1`, cursor], // another owner's list
      [`${base}&sortOrder=asc`, cursor], // another order
      [`${base}&sortBy=views`, cursor], // another sort (and key type)
      [`${base}&sortBy=title`, cursor],
      [`${base}&query=salsa`, cursor], // another search
      ['limit=1', cursor], // the whole catalogue
      [base, mine as string], // GET /video/me's cursor
    ];
    for (const [query, forged] of bad) {
      expectError(
        await get('/video', withCursor(query, forged)),
        400,
        'INVALID_CURSOR',
        'Invalid cursor',
      );
    }
    expectError(
      await get('/video/me', withCursor('limit=1', cursor), creator),
      400,
      'INVALID_CURSOR',
      'Invalid cursor',
    );
  });

  it('refuses a cursor more than 24 hours old with 400 INVALID_CURSOR', async () => {
    const creator = await createVerifiedUser(t);
    await insertVideos(t, creator.id, [{}, {}]);
    const query = `userId=${creator.id}&limit=1`;
    const cursor = ((await get('/video', query)).body.data as Page).nextCursor as string;
    const later = Date.now() + 24 * 60 * 60 * 1000 + 60_000;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      expectError(
        await get('/video', withCursor(query, cursor)),
        400,
        'INVALID_CURSOR',
        'Invalid cursor',
      );
    } finally {
      clock.mockRestore();
    }
    expect((await get('/video', withCursor(query, cursor))).status).toBe(200);
  });

  it('refuses page and cursor together, and a cursor that is not a string of at most 512', async () => {
    const creator = await createVerifiedUser(t);
    await insertVideos(t, creator.id, [{}, {}]);
    const cursor = ((await get('/video', `userId=${creator.id}&limit=1`)).body.data as Page)
      .nextCursor as string;
    for (const page of ['1', '2']) {
      const res = await get(
        '/video',
        withCursor(`userId=${creator.id}&limit=1&page=${page}`, cursor),
      );
      expectError(res, 400, 'VALIDATION_ERROR', 'page and cursor cannot be combined');
    }
    const long = await get('/video', `cursor=${'a'.repeat(513)}`);
    expectError(long, 400, 'VALIDATION_ERROR', 'cursor must be at most 512 characters');
    const me = await get('/video/me', withCursor('page=1', cursor), creator);
    expectError(me, 400, 'VALIDATION_ERROR', 'page and cursor cannot be combined');
  });

  it('property: random lists, sorts and page sizes walk exactly once in order (seeded)', async () => {
    const random = seededRandom(20261203);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    for (let round = 0; round < 12; round++) {
      const creator = await createVerifiedUser(t);
      const size = Math.floor(random() * 40);
      const keys = 1 + Math.floor(random() * 6); // few distinct keys: many ties
      const many = Array.from({ length: size }, () => ({
        createdAt: new Date(Date.UTC(2026, 1, 1) + Math.floor(random() * keys) * 1000),
        views: Math.floor(random() * keys),
        duration: 1 + Math.floor(random() * keys) / 2,
        title: `T${Math.floor(random() * keys)}`,
        isPublished: random() > 0.1,
      }));
      const ids = await insertVideos(t, creator.id, many);
      const visible = await rowsOf(ids.filter((_, i) => many[i].isPublished));
      const sortBy = pick(SORTS);
      const order = pick(ORDERS);
      const limit = 1 + Math.floor(random() * 12);
      const { ids: walked, pages } = await walk(
        '/video',
        `userId=${creator.id}&sortBy=${sortBy}&sortOrder=${order}&limit=${limit}`,
      );
      const context = `round ${round}: ${size} videos, ${sortBy} ${order}, limit ${limit}`;
      expect({ context, walked }).toEqual({
        context,
        walked: expectedOrder(visible, sortBy, order),
      });
      expect(pages).toHaveLength(Math.max(1, Math.ceil(visible.length / limit)));
      expect(pages.at(-1)).toMatchObject({ hasNextPage: false, nextCursor: null });
      expect(pages.every((page) => page.totalDocs === visible.length)).toBe(true);
    }
  });
});
