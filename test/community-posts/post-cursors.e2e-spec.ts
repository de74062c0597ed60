import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import type request from 'supertest';
import { CommunityPost } from 'src/modules/community-posts/schemas/community-post.schema';
import { insertPosts } from 'test/factories/posts.factory';
import { createVerifiedUser } from 'test/factories/users.factory';
import { api, ENGAGEMENT_ENV, expectError } from 'test/likes/engagement-test.util';
import {
  type CursorPage,
  keysetOrder,
  seededRandom,
  walkCursorPages,
  withCursor,
} from 'test/utils/cursor-walk';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * The community post lists by cursor (docs/api.md#cursor-pages): the feed and a user's posts,
 * newest first, a keyset on (`createdAt`, `_id`).
 */
describe('community post lists by cursor', () => {
  let t: TestApp;
  let posts: Model<CommunityPost>;

  beforeAll(async () => {
    t = await createTestApp(ENGAGEMENT_ENV);
    posts = t.app.get<Model<CommunityPost>>(getModelToken(CommunityPost.name));
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (path: string, query: string): Promise<request.Response> =>
    api(t).get(`/api/v1/communitypost/${path}?${query}`);

  async function rowsOf(ids: string[]): Promise<{ id: string; at: number }[]> {
    const found = await posts
      .find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } })
      .lean()
      .exec();
    return found.map((p) => ({ id: p._id.toHexString(), at: p.createdAt.getTime() }));
  }

  it("walks a user's posts and the feed exactly once, newest first, as the numbered pages do", async () => {
    const owner = await createVerifiedUser(t);
    const ids = await insertPosts(
      t,
      owner.id,
      Array.from({ length: 14 }, (_, i) => new Date(Date.UTC(2026, 6, 1, 0, 0, i % 3))),
    );
    const expected = keysetOrder(await rowsOf(ids), (row) => row.at, 'desc');
    const mine = await walkCursorPages((q) => get(`user/${owner.id}`, q), 'limit=3');
    expect(mine.ids).toEqual(expected);
    expect(mine.pages.map((page) => [page.page, page.totalDocs, page.hasNextPage])).toEqual(
      [1, 2, 3, 4, 5].map((n) => [n, 14, n < 5]),
    );
    const numbered = (await get(`user/${owner.id}`, 'limit=3&page=4')).body.data as CursorPage;
    const { nextCursor: _a, ...fourth } = mine.pages[3];
    const { nextCursor: _b, ...numberedFourth } = numbered;
    expect(numberedFourth).toEqual(fourth);

    const feed = await walkCursorPages((q) => get('feed', q), 'limit=4');
    expect(new Set(feed.ids).size).toBe(feed.ids.length);
    expect(feed.ids.filter((id) => ids.includes(id))).toEqual(expected);
  });

  it('returns every post that stays exactly once while posts come and go between pages', async () => {
    const owner = await createVerifiedUser(t);
    const at = (second: number): Date => new Date(Date.UTC(2026, 7, 1, 0, 0, second));
    const ids = await insertPosts(
      t,
      owner.id,
      Array.from({ length: 16 }, (_, i) => at(30 + i)),
    );
    const initial = keysetOrder(await rowsOf(ids), (row) => row.at, 'desc');
    const deleted = new Set<string>();
    const below: string[] = [];
    const { ids: seen } = await walkCursorPages(
      (q) => get(`user/${owner.id}`, q),
      'limit=3',
      async (pageIndex) => {
        await insertPosts(t, owner.id, [at(59)]); // newer: above the position
        below.push(...(await insertPosts(t, owner.id, [at(20 - pageIndex)]))); // older: reached
        const victim = initial[(pageIndex + 1) * 3 + 2];
        if (victim !== undefined && !deleted.has(victim)) {
          deleted.add(victim);
          await posts.deleteOne({ _id: new Types.ObjectId(victim) }).exec();
        }
      },
    );
    expect(new Set(seen).size).toBe(seen.length);
    const stayed = initial.filter((id) => !deleted.has(id));
    expect(seen.filter((id) => stayed.includes(id))).toEqual(stayed);
    expect(seen.filter((id) => below.includes(id))).toEqual(below);
    expect(seen.every((id) => stayed.includes(id) || deleted.has(id) || below.includes(id))).toBe(
      true,
    );
  });

  it('refuses forged, altered and foreign cursors with 400 INVALID_CURSOR, and page with cursor', async () => {
    const owner = await createVerifiedUser(t);
    const other = await createVerifiedUser(t);
    await insertPosts(t, owner.id, [new Date(1), new Date(2), new Date(3)]);
    await insertPosts(t, other.id, [new Date(1), new Date(2)]);
    const cursor = ((await get(`user/${owner.id}`, 'limit=1')).body.data as CursorPage)
      .nextCursor as string;
    const feedCursor = ((await get('feed', 'limit=1')).body.data as CursorPage)
      .nextCursor as string;
    const [body, tag] = cursor.split('.');
    const bad: [string, string][] = [
      [`user/${owner.id}`, `${body}.${tag.slice(0, -2)}AA`],
      [`user/${owner.id}`, `A${body}.${tag}`],
      [`user/${other.id}`, cursor],
      ['feed', cursor],
      [`user/${owner.id}`, feedCursor],
    ];
    for (const [path, forged] of bad) {
      expectError(
        await get(path, withCursor('limit=1', forged)),
        400,
        'INVALID_CURSOR',
        'Invalid cursor',
      );
    }
    expectError(
      await get('feed', withCursor('page=1', feedCursor)),
      400,
      'VALIDATION_ERROR',
      'page and cursor cannot be combined',
    );
  });

  it("property: random users' posts and page sizes walk exactly once in order (seeded)", async () => {
    const random = seededRandom(99);
    for (let round = 0; round < 10; round++) {
      const owner = await createVerifiedUser(t);
      const size = Math.floor(random() * 30);
      const instants = 1 + Math.floor(random() * 5);
      const ids = await insertPosts(
        t,
        owner.id,
        Array.from({ length: size }, () => new Date(Math.floor(random() * instants) * 1000)),
      );
      const limit = 1 + Math.floor(random() * 9);
      const { ids: walked, pages } = await walkCursorPages(
        (q) => get(`user/${owner.id}`, q),
        `limit=${limit}`,
      );
      const context = `round ${round}: ${size} posts, limit ${limit}`;
      expect({ context, walked }).toEqual({
        context,
        walked: keysetOrder(await rowsOf(ids), (row) => row.at, 'desc'),
      });
      expect(pages).toHaveLength(Math.max(1, Math.ceil(size / limit)));
      expect(pages.every((page) => page.totalDocs === size)).toBe(true);
    }
  });
});
