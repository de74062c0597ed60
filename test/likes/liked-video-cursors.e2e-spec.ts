import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import type request from 'supertest';
import { Like } from 'src/modules/likes/schemas/like.schema';
import { insertLike } from 'test/factories/likes.factory';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { insertVideos } from 'test/factories/videos.factory';
import { api, ENGAGEMENT_ENV, expectError } from 'test/likes/engagement-test.util';
import { keysetOrder, seededRandom, walkHeaderPages, withCursor } from 'test/utils/cursor-walk';
import { createTestApp, type TestApp } from 'test/utils/test-app';

interface Row {
  id: string;
  video: string;
  at: number;
  listed: boolean;
}

/**
 * `GET /like/liked-videos` by cursor (docs/api.md#cursor-pages): a plain array, so the next
 * cursor travels in `X-Next-Cursor`; most recently liked first, a keyset on (`likedAt`, like
 * `_id`) bound to the caller.
 */
describe('liked videos by cursor', () => {
  let t: TestApp;
  let likes: Model<Like>;
  let creator: TestUser;

  beforeAll(async () => {
    t = await createTestApp(ENGAGEMENT_ENV);
    likes = t.app.get<Model<Like>>(getModelToken(Like.name));
    creator = await createVerifiedUser(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (user: TestUser, query: string): Promise<request.Response> =>
    api(t).get(`/api/v1/like/liked-videos?${query}`).set('Authorization', user.authHeader);

  /** Likes by `user` of new videos (some unpublished: not listed) at the given instants. */
  async function liked(user: TestUser, instants: Date[], hidden: boolean[] = []): Promise<Row[]> {
    const videos = await insertVideos(
      t,
      creator.id,
      instants.map((_, i) => ({ isPublished: !hidden[i] })),
    );
    const rows: Row[] = [];
    for (const [i, at] of instants.entries()) {
      const id = await insertLike(t, user.id, 'video', videos[i], at);
      rows.push({ id, video: videos[i], at: at.getTime(), listed: !hidden[i] });
    }
    return rows;
  }

  const expectedVideos = (rows: Row[]): string[] => {
    const listed = rows.filter((row) => row.listed);
    const byLike = new Map(listed.map((row) => [row.id, row.video]));
    return keysetOrder(listed, (row) => row.at, 'desc').map((id) => byLike.get(id) as string);
  };

  const walk = (user: TestUser, query: string, between?: (pageIndex: number) => Promise<void>) =>
    walkHeaderPages((q) => get(user, q), query, between);

  it('keeps data an array, with the next cursor in X-Next-Cursor, absent on the last page', async () => {
    const user = await createVerifiedUser(t);
    const rows = await liked(
      user,
      Array.from({ length: 7 }, (_, i) => new Date(Date.UTC(2026, 10, 1, 0, 0, i % 2))),
    );
    const expected = expectedVideos(rows);
    const first = await get(user, 'limit=5');
    expect((first.body.data as { _id: string }[]).map((doc) => doc._id)).toEqual(
      expected.slice(0, 5),
    );
    const cursor = first.headers['x-next-cursor'];
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const second = await get(user, withCursor('limit=5', cursor));
    expect((second.body.data as { _id: string }[]).map((doc) => doc._id)).toEqual(
      expected.slice(5),
    );
    expect(second.headers['x-next-cursor']).toBeUndefined();
    // The web client's numbered pages: the same arrays, page 2 continued by its header.
    const page1 = await get(user, 'limit=3&page=1');
    expect((page1.body.data as { _id: string }[]).map((doc) => doc._id)).toEqual(
      expected.slice(0, 3),
    );
    const after1 = await get(user, withCursor('limit=3', page1.headers['x-next-cursor']));
    expect((after1.body.data as { _id: string }[]).map((doc) => doc._id)).toEqual(
      expected.slice(3, 6),
    );
  });

  it('returns every like that stays exactly once while likes come and go between pages', async () => {
    const user = await createVerifiedUser(t);
    const rows = await liked(
      user,
      Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2026, 10, 2, 0, 0, 10 + i))),
    );
    const initial = expectedVideos(rows);
    const byVideo = new Map(rows.map((row) => [row.video, row.id]));
    const removed = new Set<string>();
    const { ids } = await walk(user, 'limit=3', async (pageIndex) => {
      // A new like sorts above the position: not in this walk.
      await liked(user, [new Date(Date.UTC(2026, 10, 3, 0, pageIndex))]);
      const victim = initial[(pageIndex + 1) * 3 + 1];
      if (victim !== undefined && !removed.has(victim)) {
        removed.add(victim);
        await likes.deleteOne({ _id: new Types.ObjectId(byVideo.get(victim)) }).exec();
      }
    });
    expect(new Set(ids).size).toBe(ids.length);
    const stayed = initial.filter((id) => !removed.has(id));
    expect(ids.filter((id) => stayed.includes(id))).toEqual(stayed);
    expect(ids.every((id) => stayed.includes(id) || removed.has(id))).toBe(true);
  });

  it("refuses another user's and forged cursors with 400 INVALID_CURSOR, and page with cursor", async () => {
    const user = await createVerifiedUser(t);
    const other = await createVerifiedUser(t);
    await liked(user, [new Date(1), new Date(2)]);
    await liked(other, [new Date(1), new Date(2)]);
    const cursor = (await get(user, 'limit=1')).headers['x-next-cursor'];
    for (const [who, forged] of [
      [other, cursor],
      [user, `${cursor.slice(0, -2)}AA`],
      [user, 'nope'],
    ] as const) {
      expectError(
        await get(who, withCursor('limit=1', forged)),
        400,
        'INVALID_CURSOR',
        'Invalid cursor',
      );
    }
    expectError(
      await get(user, withCursor('page=1', cursor)),
      400,
      'VALIDATION_ERROR',
      'page and cursor cannot be combined',
    );
  });

  it('property: random likes and page sizes walk exactly once in order (seeded)', async () => {
    const random = seededRandom(23);
    for (let round = 0; round < 5; round++) {
      const user = await createVerifiedUser(t);
      const size = Math.floor(random() * 18);
      const instants = 1 + Math.floor(random() * 4);
      const hidden = Array.from({ length: size }, () => random() < 0.15);
      const rows = await liked(
        user,
        Array.from({ length: size }, () => new Date(Math.floor(random() * instants) * 1000)),
        hidden,
      );
      const limit = 1 + Math.floor(random() * 6);
      const { ids, pages } = await walk(user, `limit=${limit}`);
      const expected = expectedVideos(rows);
      const context = `round ${round}: ${size} likes, limit ${limit}`;
      expect({ context, ids }).toEqual({ context, ids: expected });
      expect(pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
    }
  });
});
