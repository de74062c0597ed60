import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import type request from 'supertest';
import { WatchHistoryEntry } from 'src/modules/watch-history/schemas/watch-history.schema';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { insertVideos } from 'test/factories/videos.factory';
import {
  type CursorPage,
  keysetOrder,
  seededRandom,
  walkCursorPages,
  withCursor,
} from 'test/utils/cursor-walk';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import { api, expectError } from 'test/videos/video-test.util';

/**
 * `GET /user/history` by cursor (docs/api.md#cursor-pages): the caller's watched videos, most
 * recently watched first, a keyset on (`watchedAt`, entry `_id`) bound to the caller.
 */
describe('watch history by cursor', () => {
  let t: TestApp;
  let entries: Model<WatchHistoryEntry>;
  let creator: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    entries = t.app.get<Model<WatchHistoryEntry>>(getModelToken(WatchHistoryEntry.name));
    creator = await createVerifiedUser(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (user: TestUser, query: string): Promise<request.Response> =>
    api(t).get(`/api/v1/user/history?${query}`).set('Authorization', user.authHeader);

  /** History entries of `user` for new videos (some unpublished) watched at the given instants. */
  async function watched(
    user: TestUser,
    instants: Date[],
    unpublished: (index: number) => boolean = () => false,
  ): Promise<{ id: string; video: string; at: number; listed: boolean }[]> {
    const videos = await insertVideos(
      t,
      creator.id,
      instants.map((_, i) => ({ isPublished: !unpublished(i) })),
    );
    const rows = instants.map((at, i) => ({
      _id: new Types.ObjectId(),
      user: new Types.ObjectId(user.id),
      video: new Types.ObjectId(videos[i]),
      watchedAt: at,
    }));
    if (rows.length > 0) await entries.insertMany(rows);
    return rows.map((row, i) => ({
      id: row._id.toHexString(),
      video: videos[i],
      at: row.watchedAt.getTime(),
      listed: !unpublished(i),
    }));
  }

  /** The listed order: entries of published videos, by `watchedAt` then entry `_id`, newest first. */
  const expectedVideos = (rows: Awaited<ReturnType<typeof watched>>): string[] => {
    const listed = rows.filter((row) => row.listed);
    const byEntry = new Map(listed.map((row) => [row.id, row.video]));
    return keysetOrder(listed, (row) => row.at, 'desc').map((id) => byEntry.get(id) as string);
  };

  it('walks the history exactly once, newest first, as the numbered pages do, unpublished videos left out', async () => {
    const user = await createVerifiedUser(t);
    const rows = await watched(
      user,
      Array.from({ length: 15 }, (_, i) => new Date(Date.UTC(2026, 9, 1, 0, 0, i % 4))),
      (i) => i % 5 === 0,
    );
    const { ids, pages } = await walkCursorPages((q) => get(user, q), 'limit=4');
    expect(ids).toEqual(expectedVideos(rows));
    expect(pages.map((page) => [page.page, page.totalDocs])).toEqual([1, 2, 3].map((n) => [n, 12]));
    const numbered = (await get(user, 'limit=4&page=2')).body.data as CursorPage;
    const { nextCursor: _a, ...second } = pages[1];
    const { nextCursor: _b, ...numberedSecond } = numbered;
    expect(numberedSecond).toEqual(second);
  });

  it('serves a video watched again meanwhile once, and reaches entries that stay', async () => {
    const user = await createVerifiedUser(t);
    const rows = await watched(
      user,
      Array.from({ length: 10 }, (_, i) => new Date(Date.UTC(2026, 9, 2, 0, 0, i))),
    );
    const initial = expectedVideos(rows);
    const rewatched: string[] = [];
    const { ids } = await walkCursorPages(
      (q) => get(user, q),
      'limit=3',
      async (pageIndex) => {
        // The newest video already served is watched again: it moves to the top, behind the walk.
        const again = initial[pageIndex * 3];
        rewatched.push(again);
        await entries
          .updateOne(
            { user: new Types.ObjectId(user.id), video: new Types.ObjectId(again) },
            { $set: { watchedAt: new Date(Date.UTC(2026, 9, 3, 0, pageIndex)) } },
          )
          .exec();
      },
    );
    expect(ids).toEqual(initial);
    expect(rewatched.length).toBeGreaterThan(0);
  });

  it("refuses another user's and forged cursors with 400 INVALID_CURSOR, and page with cursor", async () => {
    const user = await createVerifiedUser(t);
    const other = await createVerifiedUser(t);
    await watched(user, [new Date(1), new Date(2)]);
    await watched(other, [new Date(1), new Date(2)]);
    const cursor = ((await get(user, 'limit=1')).body.data as CursorPage).nextCursor as string;
    for (const [who, forged] of [
      [other, cursor],
      [user, `${cursor}x`],
      [user, 'a.b'],
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

  it('property: random histories and page sizes walk exactly once in order (seeded)', async () => {
    const random = seededRandom(11);
    for (let round = 0; round < 6; round++) {
      const user = await createVerifiedUser(t);
      const size = Math.floor(random() * 25);
      const instants = 1 + Math.floor(random() * 5);
      const hidden = Array.from({ length: size }, () => random() < 0.15);
      const rows = await watched(
        user,
        Array.from({ length: size }, () => new Date(Math.floor(random() * instants) * 1000)),
        (i) => hidden[i],
      );
      const limit = 1 + Math.floor(random() * 7);
      const { ids, pages } = await walkCursorPages((q) => get(user, q), `limit=${limit}`);
      const expected = expectedVideos(rows);
      const context = `round ${round}: ${size} entries, limit ${limit}`;
      expect({ context, ids }).toEqual({ context, ids: expected });
      expect(pages).toHaveLength(Math.max(1, Math.ceil(expected.length / limit)));
    }
  });
});
