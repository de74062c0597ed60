import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import type request from 'supertest';
import { Playlist } from 'src/modules/playlists/schemas/playlist.schema';
import { insertPlaylist } from 'test/factories/playlists.factory';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { API, api, expectError, RELAXED_LIMITS } from 'test/follows/social-test.util';
import {
  type CursorPage,
  keysetOrder,
  seededRandom,
  walkCursorPages,
  walkHeaderPages,
  withCursor,
} from 'test/utils/cursor-walk';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * `GET /playlist/me` by cursor (docs/api.md#cursor-pages): the caller's playlists, public and
 * private, newest first, a keyset on (`createdAt`, `_id`) bound to the caller.
 */
describe('my playlists by cursor', () => {
  let t: TestApp;
  let playlists: Model<Playlist>;

  beforeAll(async () => {
    t = await createTestApp(RELAXED_LIMITS);
    playlists = t.app.get<Model<Playlist>>(getModelToken(Playlist.name));
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (user: TestUser, query: string): Promise<request.Response> =>
    api(t).get(`${API}/playlist/me?${query}`).set('Authorization', user.authHeader);

  async function seed(user: TestUser, instants: Date[]): Promise<{ id: string; at: number }[]> {
    const rows: { id: string; at: number }[] = [];
    for (const [i, createdAt] of instants.entries()) {
      const id = await insertPlaylist(t, user.id, { createdAt, isPublished: i % 2 === 0 });
      rows.push({ id, at: createdAt.getTime() });
    }
    return rows;
  }

  it('walks every playlist exactly once, newest first, while playlists come and go', async () => {
    const me = await createVerifiedUser(t);
    const at = (second: number): Date => new Date(Date.UTC(2026, 8, 1, 0, 0, second));
    const rows = await seed(
      me,
      Array.from({ length: 13 }, (_, i) => at(20 + Math.floor(i / 2))),
    );
    const initial = keysetOrder(rows, (row) => row.at, 'desc');
    const untouched = await walkCursorPages((q) => get(me, q), 'limit=4');
    expect(untouched.ids).toEqual(initial);
    expect(untouched.pages.map((page) => [page.page, page.totalDocs])).toEqual(
      [1, 2, 3, 4].map((n) => [n, 13]),
    );
    const numbered = (await get(me, 'limit=4&page=2')).body.data as CursorPage;
    const { nextCursor: _a, ...second } = untouched.pages[1];
    const { nextCursor: _b, ...numberedSecond } = numbered;
    expect(numberedSecond).toEqual(second);

    const deleted = new Set<string>();
    const below: string[] = [];
    const { ids: seen } = await walkCursorPages(
      (q) => get(me, q),
      'limit=4',
      async (pageIndex) => {
        await insertPlaylist(t, me.id, { createdAt: at(59) });
        below.push(await insertPlaylist(t, me.id, { createdAt: at(10 - pageIndex) }));
        const victim = initial[(pageIndex + 1) * 4 + 1];
        if (victim !== undefined && !deleted.has(victim)) {
          deleted.add(victim);
          await playlists.deleteOne({ _id: new Types.ObjectId(victim) }).exec();
        }
      },
    );
    expect(new Set(seen).size).toBe(seen.length);
    const stayed = initial.filter((id) => !deleted.has(id));
    expect(seen.filter((id) => stayed.includes(id))).toEqual(stayed);
    expect(seen.filter((id) => below.includes(id))).toEqual(below);
  });

  it("refuses another user's, altered and forged cursors with 400 INVALID_CURSOR, and page with cursor", async () => {
    const me = await createVerifiedUser(t);
    const other = await createVerifiedUser(t);
    await seed(me, [new Date(1), new Date(2)]);
    await seed(other, [new Date(1), new Date(2)]);
    const cursor = ((await get(me, 'limit=1')).body.data as CursorPage).nextCursor as string;
    const [body, tag] = cursor.split('.');
    for (const [user, forged] of [
      [other, cursor],
      [me, `${body}.${tag.slice(0, -2)}AA`],
      [me, 'abc'],
    ] as const) {
      expectError(
        await get(user, withCursor('limit=1', forged)),
        400,
        'INVALID_CURSOR',
        'Invalid cursor',
      );
    }
    expectError(
      await get(me, withCursor('page=1&limit=1', cursor)),
      400,
      'VALIDATION_ERROR',
      'page and cursor cannot be combined',
    );
  });

  it('property: random playlist sets and page sizes walk exactly once in order (seeded)', async () => {
    const random = seededRandom(5);
    for (let round = 0; round < 6; round++) {
      const me = await createVerifiedUser(t);
      const size = Math.floor(random() * 16);
      const instants = 1 + Math.floor(random() * 4);
      const rows = await seed(
        me,
        Array.from({ length: size }, () => new Date(Math.floor(random() * instants) * 1000)),
      );
      const limit = 1 + Math.floor(random() * 6);
      const { ids, pages } = await walkCursorPages((q) => get(me, q), `limit=${limit}`);
      const context = `round ${round}: ${size} playlists, limit ${limit}`;
      expect({ context, ids }).toEqual({
        context,
        ids: keysetOrder(rows, (row) => row.at, 'desc'),
      });
      expect(pages).toHaveLength(Math.max(1, Math.ceil(size / limit)));
    }
  });

  describe('the plain-array playlist lists, by X-Next-Cursor', () => {
    const plain = (path: string, query: string): Promise<request.Response> =>
      api(t).get(`${API}/playlist/${path}?${query}`);

    it("walks a user's public playlists exactly once, newest first, private ones left out", async () => {
      const owner = await createVerifiedUser(t);
      const rows = await seed(
        owner,
        Array.from({ length: 11 }, (_, i) => new Date(Date.UTC(2026, 8, 2, 0, 0, i % 3))),
      );
      const expected = keysetOrder(
        rows.filter((_, i) => i % 2 === 0),
        (row) => row.at,
        'desc',
      );
      const { ids, pages } = await walkHeaderPages((q) => plain(`user/${owner.id}`, q), 'limit=2');
      expect(ids).toEqual(expected);
      expect(pages).toBe(3);
      // Numbered pages carry the header too; it continues after their last item.
      const page2 = await plain(`user/${owner.id}`, 'limit=2&page=2');
      const next = await plain(
        `user/${owner.id}`,
        withCursor('limit=2', page2.headers['x-next-cursor']),
      );
      expect((next.body.data as { _id: string }[]).map((doc) => doc._id)).toEqual(
        expected.slice(4, 6),
      );
    });

    it('walks a search exactly once, most recently changed first; a playlist changed meanwhile is served at most once', async () => {
      const owner = await createVerifiedUser(t);
      const word = `tango${owner.id.slice(-6)}`;
      const ids: string[] = [];
      const rows: { id: string; at: number }[] = [];
      for (let i = 0; i < 9; i++) {
        const at = new Date(Date.UTC(2026, 8, 3, 0, 0, i % 4));
        const id = await insertPlaylist(t, owner.id, { name: `${word} ${i}`, updatedAt: at });
        ids.push(id);
        rows.push({ id, at: at.getTime() });
      }
      const expected = keysetOrder(rows, (row) => row.at, 'desc');
      expect(
        (await walkHeaderPages((q) => plain('search', q), `query=${word}&limit=4`)).ids,
      ).toEqual(expected);
      const touched: string[] = [];
      const { ids: seen } = await walkHeaderPages(
        (q) => plain('search', q),
        `query=${word}&limit=2`,
        async (pageIndex) => {
          // The last one of the list changes: it moves above the position, not served again.
          const moved = expected[expected.length - 1 - pageIndex];
          touched.push(moved);
          await playlists
            .updateOne(
              { _id: new Types.ObjectId(moved) },
              { $set: { updatedAt: new Date(Date.UTC(2026, 8, 4, 0, pageIndex)) } },
              { timestamps: false },
            )
            .exec();
        },
      );
      expect(new Set(seen).size).toBe(seen.length);
      const stayed = expected.filter((id) => !touched.includes(id));
      expect(seen.filter((id) => stayed.includes(id))).toEqual(stayed);
    });

    it('refuses cursors of another list or search, forged ones, and page with cursor', async () => {
      const owner = await createVerifiedUser(t);
      const other = await createVerifiedUser(t);
      await seed(owner, [new Date(1), new Date(2), new Date(3)]);
      await seed(other, [new Date(1), new Date(2), new Date(3)]);
      const word = `salsa${owner.id.slice(-6)}`;
      for (let i = 0; i < 3; i++) await insertPlaylist(t, owner.id, { name: `${word} ${i}` });
      const userCursor = (await plain(`user/${owner.id}`, 'limit=1')).headers['x-next-cursor'];
      const searchCursor = (await plain('search', `query=${word}&limit=1`)).headers[
        'x-next-cursor'
      ];
      const bad: [string, string, string][] = [
        [`user/${other.id}`, 'limit=1', userCursor],
        [`user/${owner.id}`, 'limit=1', searchCursor],
        ['search', `query=${word}x&limit=1`, searchCursor],
        ['search', `query=${word}&limit=1`, userCursor],
        ['search', `query=${word}&limit=1`, `${searchCursor.slice(0, -2)}AA`],
      ];
      for (const [path, query, cursor] of bad) {
        expectError(
          await plain(path, withCursor(query, cursor)),
          400,
          'INVALID_CURSOR',
          'Invalid cursor',
        );
      }
      expectError(
        await plain(`user/${owner.id}`, withCursor('page=1', userCursor)),
        400,
        'VALIDATION_ERROR',
        'page and cursor cannot be combined',
      );
    });
  });
});
