import { Types } from 'mongoose';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { insertVideo } from 'test/factories/videos.factory';
import { routeTable } from 'test/utils/route-table';
import {
  api,
  expectError,
  expectNoInternalFields,
  expectSuccess,
  expectVideoCard,
} from 'test/videos/video-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';

interface Item {
  _id: string;
  watchedAt: string;
}

/** `GET` and `DELETE /user/history`, and the history side of the watch page. */
describe('watch history', () => {
  let t: TestApp;
  let creator: TestUser;

  beforeAll(async () => {
    // A small maximum, so trimming is exercised without watching 200 videos.
    t = await createTestApp({ HISTORY_MAX_ENTRIES: '5' });
    creator = await createVerifiedUser(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const watch = (user: TestUser, videoId: string) =>
    api(t).get(`/api/v1/video/${videoId}`).set('Authorization', user.authHeader).expect(200);
  const historyOf = (user: TestUser, query = '') =>
    api(t).get(`/api/v1/user/history${query}`).set('Authorization', user.authHeader);
  const listed = async (user: TestUser, query = ''): Promise<string[]> =>
    ((await historyOf(user, query)).body.data.docs as Item[]).map((item) => item._id);
  const publishedVideos = (n: number): Promise<string[]> =>
    Promise.all(Array.from({ length: n }, () => insertVideo(t, creator.id)));
  const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

  describe('routing', () => {
    it('matches /user/history before /user/:username', async () => {
      // `:username` is optional-auth and answers a reserved name with 404 User not found; the
      // history routes are required-auth, so an anonymous 401 shows which route matched.
      const user = await createVerifiedUser(t);
      await api(t).get(`/api/v1/user/${user.username}`).expect(200);
      expectError(await api(t).get('/api/v1/user/history'), 401, 'UNAUTHORIZED', 'UNAUTHORIZED');
      expect((await api(t).head('/api/v1/user/history')).status).toBe(401);
      expectError(await api(t).delete('/api/v1/user/history'), 401, 'UNAUTHORIZED', 'UNAUTHORIZED');
      expectSuccess(await historyOf(user), 200, 'Watch history fetched successfully');
    });

    it('wins by specificity although the profile route is registered first', async () => {
      // The profile lives in the channel feature, which is registered before the engagement
      // feature's history routes: only route specificity makes the literal segment win.
      const paths = routeTable(t.app).map((route) => `${route.method} ${route.path}`);
      const profile = paths.indexOf('GET /user/:username');
      expect(profile).toBeGreaterThanOrEqual(0);
      expect(paths.indexOf('GET /user/history')).toBeGreaterThan(profile);
      expectError(await api(t).get('/api/v1/user/history'), 401, 'UNAUTHORIZED', 'UNAUTHORIZED');
    });
  });

  describe('GET /user/history', () => {
    it('lists HistoryItems newest first, with watchedAt', async () => {
      const user = await createVerifiedUser(t);
      const [a, b, c] = await publishedVideos(3);
      for (const id of [a, b, c]) {
        await watch(user, id);
        await tick();
      }

      const res = await historyOf(user);

      expectSuccess(res, 200, 'Watch history fetched successfully');
      expect(res.body.data).toMatchObject({ totalDocs: 3, limit: 10, page: 1, totalPages: 1 });
      const docs = res.body.data.docs as Item[];
      expect(docs.map((item) => item._id)).toEqual([c, b, a]);
      for (const item of docs) {
        expectVideoCard(item as unknown as Record<string, unknown>, ['watchedAt']);
        expect(item.watchedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }
      expect(Date.parse(docs[0].watchedAt)).toBeGreaterThan(Date.parse(docs[2].watchedAt));
      expectNoInternalFields(res.body);
    });

    it('moves a re-watched video to the top without duplicating it', async () => {
      const user = await createVerifiedUser(t);
      const [a, b, c] = await publishedVideos(3);
      for (const id of [a, b, c]) {
        await watch(user, id);
        await tick();
      }
      const before = ((await historyOf(user)).body.data.docs as Item[]).find(
        (item) => item._id === a,
      );

      await watch(user, a);

      const res = await historyOf(user);
      expect((res.body.data.docs as Item[]).map((item) => item._id)).toEqual([a, c, b]);
      expect(res.body.data.totalDocs).toBe(3);
      expect(Date.parse(res.body.data.docs[0].watchedAt)).toBeGreaterThan(
        Date.parse(String(before?.watchedAt)),
      );
    });

    it('keeps one entry under concurrent first watches of the same video', async () => {
      const user = await createVerifiedUser(t);
      const [video] = await publishedVideos(1);
      await Promise.all(Array.from({ length: 10 }, () => watch(user, video)));
      expect(
        await t.connection
          .collection('watchhistories')
          .countDocuments({ user: new Types.ObjectId(user.id) }),
      ).toBe(1);
    });

    it('keeps only the newest HISTORY_MAX_ENTRIES entries', async () => {
      const user = await createVerifiedUser(t);
      const videos = await publishedVideos(7);
      for (const id of videos) {
        await watch(user, id);
        await tick();
      }
      expect(await listed(user)).toEqual(videos.slice(2).reverse());
      expect(
        await t.connection
          .collection('watchhistories')
          .countDocuments({ user: new Types.ObjectId(user.id) }),
      ).toBe(5);
    });

    it('breaks equal watchedAt with _id descending', async () => {
      const user = await createVerifiedUser(t);
      const videos = await publishedVideos(3);
      const at = new Date('2026-05-01T00:00:00.000Z');
      const entries = videos.map((video) => ({
        _id: new Types.ObjectId(),
        user: new Types.ObjectId(user.id),
        video: new Types.ObjectId(video),
        watchedAt: at,
        createdAt: at,
        updatedAt: at,
      }));
      await t.connection.collection('watchhistories').insertMany(entries);
      const expected = [...entries]
        .sort((x, y) => (x._id.toHexString() < y._id.toHexString() ? 1 : -1))
        .map((entry) => entry.video.toHexString());
      expect(await listed(user)).toEqual(expected);
    });

    it('neither lists nor counts unpublished or deleted videos, the caller’s own included', async () => {
      const user = await createVerifiedUser(t);
      const [kept, unpublished, deleted] = await publishedVideos(3);
      const own = await insertVideo(t, user.id);
      for (const id of [kept, unpublished, deleted, own]) await watch(user, id);

      await api(t)
        .patch(`/api/v1/video/publish-status/${unpublished}`)
        .set('Authorization', creator.authHeader)
        .expect(200);
      await api(t)
        .patch(`/api/v1/video/publish-status/${own}`)
        .set('Authorization', user.authHeader)
        .expect(200);
      // Deleted behind the API's back: the entry stays, and reads through the parent skip it.
      await t.connection.collection('videos').deleteOne({ _id: new Types.ObjectId(deleted) });

      const res = await historyOf(user);
      expect((res.body.data.docs as Item[]).map((item) => item._id)).toEqual([kept]);
      expect(res.body.data).toMatchObject({ totalDocs: 1, totalPages: 1 });
    });

    it('pages over the visible entries only', async () => {
      const user = await createVerifiedUser(t);
      const videos = await publishedVideos(5);
      for (const id of videos) {
        await watch(user, id);
        await tick();
      }
      await api(t)
        .patch(`/api/v1/video/publish-status/${videos[3]}`)
        .set('Authorization', creator.authHeader)
        .expect(200);
      const newestFirst = [videos[4], videos[2], videos[1], videos[0]];

      const first = await historyOf(user, '?limit=3&page=1');
      const second = await historyOf(user, '?limit=3&page=2');
      expect((first.body.data.docs as Item[]).map((item) => item._id)).toEqual(
        newestFirst.slice(0, 3),
      );
      expect((second.body.data.docs as Item[]).map((item) => item._id)).toEqual(
        newestFirst.slice(3),
      );
      expect(second.body.data).toMatchObject({
        totalDocs: 4,
        totalPages: 2,
        page: 2,
        pagingCounter: 4,
        hasPrevPage: true,
        hasNextPage: false,
        prevPage: 1,
        nextPage: null,
      });
    });

    it('records nothing for anonymous viewers', async () => {
      const [video] = await publishedVideos(1);
      await api(t).get(`/api/v1/video/${video}`).expect(200);
      expect(
        await t.connection
          .collection('watchhistories')
          .countDocuments({ video: new Types.ObjectId(video) }),
      ).toBe(0);
    });
  });

  describe('DELETE /user/history', () => {
    it('removes all of the caller’s entries and nobody else’s', async () => {
      const [user, bystander] = await Promise.all([createVerifiedUser(t), createVerifiedUser(t)]);
      const videos = await publishedVideos(2);
      for (const id of videos) {
        await watch(user, id);
        await watch(bystander, id);
      }

      const res = await api(t).delete('/api/v1/user/history').set('Authorization', user.authHeader);

      expectSuccess(res, 200, 'Watch history cleared successfully');
      expect(res.body.data).toBeNull();
      expect((await historyOf(user)).body.data).toMatchObject({ docs: [], totalDocs: 0 });
      expect(await listed(bystander)).toHaveLength(2);
      // Clearing an empty history is fine too.
      expectSuccess(
        await api(t).delete('/api/v1/user/history').set('Authorization', user.authHeader),
        200,
        'Watch history cleared successfully',
      );
    });

    it('refuses a body', async () => {
      const user = await createVerifiedUser(t);
      expectError(
        await api(t)
          .delete('/api/v1/user/history')
          .set('Authorization', user.authHeader)
          .send({ all: true }),
        400,
        'VALIDATION_ERROR',
        'all is not allowed',
      );
    });
  });
});
