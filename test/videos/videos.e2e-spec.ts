import { Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Types } from 'mongoose';
import type { DomainEvent } from 'src/common/events/domain-events';
import { PlaylistsService } from 'src/modules/playlists/playlists.service';
import { LikesService } from 'src/modules/likes/likes.service';
import { VideosRepository } from 'src/modules/videos/videos.repository';
import { createPendingUser, createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { insertVideo, uploadVideo } from 'test/factories/videos.factory';
import {
  api,
  docIds,
  expectError,
  expectNoInternalFields,
  expectSuccess,
  expectVideoCard,
} from 'test/videos/video-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';

const MISSING_ID = '0123456789abcdef01234567';

/**
 * The `/video` routes with local storage: lists, the watch page, edits, deletion and the publish
 * toggle; invisible is 404, deletion cascades, toggles report the stored state.
 */
describe('videos', () => {
  let t: TestApp;
  let owner: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    [owner, other] = await Promise.all([createVerifiedUser(t), createVerifiedUser(t)]);
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const as = (user: TestUser | null) => ({
    get: (path: string) => withAuth(api(t).get(path), user),
    head: (path: string) => withAuth(api(t).head(path), user),
    patch: (path: string) => withAuth(api(t).patch(path), user),
    delete: (path: string) => withAuth(api(t).delete(path), user),
  });
  function withAuth<R extends { set(name: string, value: string): R }>(
    req: R,
    user: TestUser | null,
  ): R {
    return user ? req.set('Authorization', user.authHeader) : req;
  }

  describe('routing', () => {
    it('matches /video/me before /video/:videoId', async () => {
      // Captured by `:videoId`, "me" would be a 400 Invalid ID; the literal route answers 401.
      expectError(await api(t).get('/api/v1/video/me'), 401, 'UNAUTHORIZED', 'UNAUTHORIZED');
    });

    it.each([
      ['get', '/api/v1/video/nope'],
      ['patch', '/api/v1/video/nope'],
      ['delete', '/api/v1/video/nope'],
      ['patch', '/api/v1/video/publish-status/nope'],
    ] as const)('answers %s %s with 400 Invalid ID', async (method, path) => {
      const res = await as(owner)[method](path);
      expectError(res, 400, 'INVALID_ID', 'Invalid ID');
      expect(res.body.errors).toEqual([
        { field: 'videoId', location: 'params', message: 'Invalid ID' },
      ]);
    });
  });

  describe('GET /video/:videoId', () => {
    it('answers a VideoDetail to anonymous callers for a published video', async () => {
      const video = await uploadVideo(t, owner, { description: 'Steps' });
      const res = await as(null).get(`/api/v1/video/${video._id}`);
      expectSuccess(res, 200, 'Video fetched successfully');
      expectVideoCard(res.body.data);
      expectNoInternalFields(res.body);
      expect(res.body.data.owner).toEqual({
        _id: owner.id,
        username: owner.username,
        name: owner.name,
        profileImage: expect.stringMatching(/^https:\/\//),
        followersCount: 0,
        isFollowed: false,
      });
      expect(res.body.data).toMatchObject({
        _id: video._id,
        description: 'Steps',
        likesCount: 0,
        isLiked: false,
      });
    });

    it('accepts the id in upper case and answers it in lower case', async () => {
      const video = await uploadVideo(t, owner);
      const res = await as(null).get(`/api/v1/video/${video._id.toUpperCase()}`);
      expect(res.body.data._id).toBe(video._id);
    });

    it('answers 404 for a missing id', async () => {
      expectError(
        await as(other).get(`/api/v1/video/${MISSING_ID}`),
        404,
        'NOT_FOUND',
        'Video not found',
      );
    });

    it('answers stale credentials with 401 instead of serving the caller anonymously', async () => {
      const video = await uploadVideo(t, owner);
      const res = await api(t)
        .get(`/api/v1/video/${video._id}`)
        .set('Authorization', 'Bearer not-a-token');
      expectError(res, 401, 'UNAUTHORIZED', 'UNAUTHORIZED');
    });
  });

  describe('an unpublished video is invisible to everyone but its owner', () => {
    let hidden: string;

    beforeAll(async () => {
      hidden = (await uploadVideo(t, owner, { isPublished: false, title: 'Hidden gem' }))._id;
    });

    it.each([
      ['anonymous', null],
      ['another user', 'other'],
    ] as const)(
      'gives %s the same 404 as a missing id on get, update, delete and publish',
      async (_label, who) => {
        const caller = who === 'other' ? other : null;
        const expected =
          who === 'other'
            ? [404, 'NOT_FOUND', 'Video not found']
            : [401, 'UNAUTHORIZED', 'UNAUTHORIZED'];
        expectError(
          await as(caller).get(`/api/v1/video/${hidden}`),
          404,
          'NOT_FOUND',
          'Video not found',
        );
        expect((await as(caller).head(`/api/v1/video/${hidden}`)).status).toBe(404);
        for (const res of [
          await as(caller).patch(`/api/v1/video/${hidden}`).send({ title: 'Mine now' }),
          await as(caller).delete(`/api/v1/video/${hidden}`),
          await as(caller).patch(`/api/v1/video/publish-status/${hidden}`),
        ]) {
          expectError(res, expected[0] as number, expected[1] as string, expected[2] as string);
        }
      },
    );

    it('leaves it out of GET /video and its counts, also for its owner', async () => {
      for (const caller of [null, other, owner]) {
        const res = await as(caller).get(`/api/v1/video?userId=${owner.id}&limit=100`);
        expect(docIds(res)).not.toContain(hidden);
        const search = await as(caller).get('/api/v1/video?query=Hidden%20gem');
        expect(search.body.data).toMatchObject({ docs: [], totalDocs: 0 });
      }
    });

    it('shows it to its owner in GET /video/me and on its watch page', async () => {
      const mine = await as(owner).get('/api/v1/video/me?limit=100');
      expect(docIds(mine)).toContain(hidden);
      const detail = await as(owner).get(`/api/v1/video/${hidden}`);
      expect(detail.status).toBe(200);
      expect(detail.body.data.isPublished).toBe(false);
    });
  });

  describe('GET /video/me', () => {
    it('lists all of the caller’s videos, published or not, newest first, as VideoCards', async () => {
      const me = await createVerifiedUser(t);
      const base = Date.parse('2026-01-01T00:00:00.000Z');
      const ids = [];
      for (let i = 0; i < 3; i++) {
        ids.push(
          await insertVideo(t, me.id, {
            isPublished: i !== 1,
            createdAt: new Date(base + i * 1000),
          }),
        );
      }
      await insertVideo(t, other.id);

      const res = await as(me).get('/api/v1/video/me');
      expectSuccess(res, 200, 'Videos fetched successfully');
      expect(docIds(res)).toEqual([...ids].reverse());
      for (const card of res.body.data.docs) {
        expectVideoCard(card);
        expect(card.owner._id).toBe(me.id);
      }
      expect(res.body.data).toMatchObject({ totalDocs: 3, limit: 10, page: 1, totalPages: 1 });
    });

    it('needs a signed-in caller', async () => {
      expectError(await as(null).get('/api/v1/video/me'), 401, 'UNAUTHORIZED', 'UNAUTHORIZED');
    });
  });

  describe('GET /video', () => {
    it('lists published videos only, also when userId is the caller, with OwnerLite and default order newest first', async () => {
      const creator = await createVerifiedUser(t);
      const base = Date.parse('2026-02-01T00:00:00.000Z');
      const first = await insertVideo(t, creator.id, { createdAt: new Date(base) });
      await insertVideo(t, creator.id, { isPublished: false, createdAt: new Date(base + 1000) });
      const third = await insertVideo(t, creator.id, { createdAt: new Date(base + 2000) });

      const res = await as(creator).get(`/api/v1/video?userId=${creator.id}`);
      expectSuccess(res, 200, 'Videos fetched');
      expect(docIds(res)).toEqual([third, first]);
      expect(res.body.data.totalDocs).toBe(2);
      expectVideoCard(res.body.data.docs[0]);
      expect(Object.keys(res.body.data.docs[0].owner)).toEqual([
        '_id',
        'username',
        'name',
        'profileImage',
      ]);
    });

    it('gives an empty page for an unknown or pending owner, and 400 for a malformed userId', async () => {
      const pending = await createPendingUser(t);
      await insertVideo(t, pending.id);
      for (const userId of [pending.id, MISSING_ID]) {
        const res = await as(null).get(`/api/v1/video?userId=${userId}`);
        expect(res.body.data).toMatchObject({
          docs: [],
          totalDocs: 0,
          totalPages: 1,
          hasNextPage: false,
        });
      }
      const bad = await as(null).get('/api/v1/video?userId=xyz');
      expectError(bad, 400, 'INVALID_ID', 'Invalid ID');
      expect(bad.body.errors).toEqual([
        { field: 'userId', location: 'query', message: 'Invalid ID' },
      ]);
    });

    it.each([
      ['sortBy=likes', 'sortBy must be one of createdAt, views, duration, title'],
      ['sortOrder=up', 'sortOrder must be one of asc, desc'],
      [`query=${'q'.repeat(101)}`, 'query must be at most 100 characters'],
      ['sortBy=views&sortBy=title', 'sortBy must be a single value'],
    ])('rejects %s', async (query, message) => {
      expectError(await as(null).get(`/api/v1/video?${query}`), 400, 'VALIDATION_ERROR', message);
    });
  });

  describe('PATCH /video/:videoId', () => {
    it('applies only the given fields, trimmed; "" clears the description', async () => {
      const video = await uploadVideo(t, owner, { title: 'Before', description: 'Old words' });
      const renamed = await as(owner)
        .patch(`/api/v1/video/${video._id}`)
        .send({ title: '  After  ' });
      expectSuccess(renamed, 200, 'Video updated successfully');
      expectVideoCard(renamed.body.data);
      expect(renamed.body.data).toMatchObject({ title: 'After', description: 'Old words' });

      const cleared = await as(owner).patch(`/api/v1/video/${video._id}`).send({ description: '' });
      expect(cleared.body.data).toMatchObject({ title: 'After', description: '' });
      const read = await as(owner).get(`/api/v1/video/${video._id}`);
      expect(read.body.data).toMatchObject({ title: 'After', description: '' });
    });

    it('returns the current video for an empty body, with or without a content type', async () => {
      const video = await uploadVideo(t, owner, { title: 'Unchanged' });
      for (const res of [
        await as(owner).patch(`/api/v1/video/${video._id}`),
        await as(owner).patch(`/api/v1/video/${video._id}`).send({}),
      ]) {
        expectSuccess(res, 200, 'Video updated successfully');
        expect(res.body.data).toMatchObject({ title: 'Unchanged', updatedAt: video.updatedAt });
      }
    });

    it.each([
      [{ title: '   ' }, 'Title is required'],
      [{ title: null }, 'title must be a string'],
      [{ title: 5 }, 'title must be a string'],
      [{ title: 't'.repeat(101) }, 'Title must be at most 100 characters'],
      [{ description: 'd'.repeat(501) }, 'Description must be at most 500 characters'],
      [{ description: null }, 'description must be a string'],
      [{ isPublished: true }, 'isPublished is not allowed'],
    ])('rejects %j', async (body, message) => {
      const video = await uploadVideo(t, owner, { title: 'Stable' });
      expectError(
        await as(owner).patch(`/api/v1/video/${video._id}`).send(body),
        400,
        'VALIDATION_ERROR',
        message,
      );
      const read = await as(owner).get(`/api/v1/video/${video._id}`);
      expect(read.body.data.title).toBe('Stable');
    });

    it('validates the path id before the body', async () => {
      expectError(
        await as(owner).patch('/api/v1/video/nope').send({ title: '', extra: 1 }),
        400,
        'INVALID_ID',
        'Invalid ID',
      );
    });

    it('answers 403 to another user on a published video and changes nothing', async () => {
      const video = await uploadVideo(t, owner, { title: 'Owned' });
      const res = await as(other).patch(`/api/v1/video/${video._id}`).send({ title: 'Stolen' });
      expectError(res, 403, 'FORBIDDEN', 'You can only update your own videos');
      expect((await as(null).get(`/api/v1/video/${video._id}`)).body.data.title).toBe('Owned');
    });

    it('answers 404 for a missing id and 401 without credentials', async () => {
      expectError(
        await as(owner).patch(`/api/v1/video/${MISSING_ID}`).send({ title: 'x' }),
        404,
        'NOT_FOUND',
        'Video not found',
      );
      expectError(
        await as(null).patch(`/api/v1/video/${MISSING_ID}`).send({ title: 'x' }),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
    });
  });

  describe('PATCH /video/publish-status/:videoId', () => {
    it('flips the flag without a body and reports the state it produced', async () => {
      const video = await uploadVideo(t, owner, { isPublished: false });
      const on = await as(owner).patch(`/api/v1/video/publish-status/${video._id}`);
      expectSuccess(on, 200, 'Video is now published');
      expect(on.body.data).toEqual({ videoId: video._id, isPublished: true });
      const off = await as(owner)
        .patch(`/api/v1/video/publish-status/${video._id}`)
        .set('Content-Type', 'application/json');
      expectSuccess(off, 200, 'Video is now unpublished');
      expect(off.body.data).toEqual({ videoId: video._id, isPublished: false });
    });

    it('sets the flag idempotently with a body', async () => {
      const video = await uploadVideo(t, owner, { isPublished: false });
      for (let i = 0; i < 2; i++) {
        const res = await as(owner)
          .patch(`/api/v1/video/publish-status/${video._id}`)
          .send({ isPublished: true });
        expectSuccess(res, 200, 'Video is now published');
        expect(res.body.data).toEqual({ videoId: video._id, isPublished: true });
      }
      const res = await as(owner)
        .patch(`/api/v1/video/publish-status/${video._id}`)
        .send({ isPublished: false });
      expectSuccess(res, 200, 'Video is now unpublished');
      expect((await as(owner).get(`/api/v1/video/${video._id}`)).body.data.isPublished).toBe(false);
    });

    it.each([
      [{ isPublished: 'true' }, 'isPublished must be a boolean'],
      [{ isPublished: null }, 'isPublished must be a boolean'],
      [{ published: true }, 'published is not allowed'],
    ])('rejects %j without changing anything', async (body, message) => {
      const video = await uploadVideo(t, owner, { isPublished: false });
      expectError(
        await as(owner).patch(`/api/v1/video/publish-status/${video._id}`).send(body),
        400,
        'VALIDATION_ERROR',
        message,
      );
      expect((await as(owner).get(`/api/v1/video/${video._id}`)).body.data.isPublished).toBe(false);
    });

    it('validates the path id before the body', async () => {
      expectError(
        await as(owner).patch('/api/v1/video/publish-status/xyz').send({ isPublished: 'no' }),
        400,
        'INVALID_ID',
        'Invalid ID',
      );
    });

    it('answers 403 to another user on a published video', async () => {
      const video = await uploadVideo(t, owner, { isPublished: true });
      expectError(
        await as(other).patch(`/api/v1/video/publish-status/${video._id}`),
        403,
        'FORBIDDEN',
        'You can only update your own videos',
      );
    });

    it.each([20, 21])('flips exactly N times under N = %i concurrent toggles', async (n) => {
      const video = await uploadVideo(t, owner, { isPublished: false });
      const results = await Promise.all(
        Array.from({ length: n }, () =>
          as(owner).patch(`/api/v1/video/publish-status/${video._id}`),
        ),
      );
      expect(results.map((res) => res.status)).toEqual(Array(n).fill(200));
      const states = results.map((res) => res.body.data.isPublished as boolean);
      // Each toggle produced a distinct step of the sequence false→true→false→…: half of them
      // (rounded up) report true, and each message matches its own state.
      expect(states.filter(Boolean)).toHaveLength(Math.ceil(n / 2));
      for (const res of results) {
        expect(res.body.message).toBe(
          res.body.data.isPublished ? 'Video is now published' : 'Video is now unpublished',
        );
      }
      const final = await as(owner).get(`/api/v1/video/${video._id}`);
      expect(final.body.data.isPublished).toBe(n % 2 === 1);
    });
  });

  describe('DELETE /video/:videoId', () => {
    it('deletes the video, then its media, view markers and history, and publishes video.deleted', async () => {
      const viewer = await createVerifiedUser(t);
      const video = await uploadVideo(t, owner, { isPublished: true });
      await as(viewer).get(`/api/v1/video/${video._id}`).expect(200);
      await as(null).get(`/api/v1/video/${video._id}`).expect(200);
      const oid = { video: new Types.ObjectId(video._id) };
      expect(await t.connection.collection('videoviews').countDocuments(oid)).toBe(2);
      expect(await t.connection.collection('watchhistories').countDocuments(oid)).toBe(1);
      const events: DomainEvent<'video.deleted'>[] = [];
      t.app
        .get(EventEmitter2)
        .once('video.deleted', (event: DomainEvent<'video.deleted'>) => events.push(event));

      const res = await as(owner).delete(`/api/v1/video/${video._id}`);

      expectSuccess(res, 200, 'Video deleted successfully');
      expect(res.body.data).toEqual({ deletedVideoId: video._id });
      expect(events).toEqual([
        expect.objectContaining({
          name: 'video.deleted',
          payload: expect.objectContaining({ videoId: video._id, ownerId: owner.id }),
        }),
      ]);
      expect(events[0].payload.deletedAt).toBeInstanceOf(Date);
      expect(await t.connection.collection('videoviews').countDocuments(oid)).toBe(0);
      expect(await t.connection.collection('watchhistories').countDocuments(oid)).toBe(0);
      await api(t).get(new URL(video.videoFile.url).pathname).expect(404);
      await api(t).get(new URL(video.thumbnail.url).pathname).expect(404);
      // From now on every read and write on it is a 404.
      expectError(
        await as(owner).get(`/api/v1/video/${video._id}`),
        404,
        'NOT_FOUND',
        'Video not found',
      );
      expectError(
        await as(owner).patch(`/api/v1/video/${video._id}`).send({ title: 'x' }),
        404,
        'NOT_FOUND',
        'Video not found',
      );
      expectError(
        await as(owner).patch(`/api/v1/video/publish-status/${video._id}`),
        404,
        'NOT_FOUND',
        'Video not found',
      );
      expectError(
        await as(owner).delete(`/api/v1/video/${video._id}`),
        404,
        'NOT_FOUND',
        'Video not found',
      );
      const history = await as(viewer).get('/api/v1/user/history');
      expect(history.body.data.totalDocs).toBe(0);
    });

    it('answers 403 to another user on a published video and keeps it', async () => {
      const video = await uploadVideo(t, owner, { isPublished: true });
      expectError(
        await as(other).delete(`/api/v1/video/${video._id}`),
        403,
        'FORBIDDEN',
        'You are not authorized to delete this video',
      );
      await as(null).get(`/api/v1/video/${video._id}`).expect(200);
      await api(t).get(new URL(video.videoFile.url).pathname).expect(200);
    });

    it('keeps its answer when a clean-up step fails, and logs the step with the ids', async () => {
      const video = await uploadVideo(t, owner);
      const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const likes = jest
        .spyOn(t.app.get(LikesService), 'removeAllOn')
        .mockRejectedValueOnce(new Error('likes store down'));

      try {
        const res = await as(owner).delete(`/api/v1/video/${video._id}`);

        expectSuccess(res, 200, 'Video deleted successfully');
        expect(errors).toHaveBeenCalledWith(
          expect.stringContaining(
            `"likes" failed after deleting video ${video._id} (owner ${owner.id})`,
          ),
          expect.anything(),
        );
      } finally {
        likes.mockRestore();
      }
      // The other steps still ran.
      await api(t).get(new URL(video.videoFile.url).pathname).expect(404);
      expectError(
        await as(owner).get(`/api/v1/video/${video._id}`),
        404,
        'NOT_FOUND',
        'Video not found',
      );
    });

    it('keeps its answer when a listener of video.deleted fails, and logs it with the event id', async () => {
      const video = await uploadVideo(t, owner, { isPublished: true });
      const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const playlists = jest
        .spyOn(t.app.get(PlaylistsService), 'removeDeletedVideo')
        .mockRejectedValueOnce(new Error('playlists down'));

      try {
        const res = await as(owner).delete(`/api/v1/video/${video._id}`);

        expectSuccess(res, 200, 'Video deleted successfully');
        expect(errors).toHaveBeenCalledWith(
          expect.stringMatching(
            new RegExp(
              `PlaylistsVideoDeletedListener\\.removeFromPlaylists failed on video\\.deleted event [0-9a-f-]{36}: .*${video._id}`,
            ),
          ),
          expect.stringContaining('playlists down'),
        );
      } finally {
        playlists.mockRestore();
      }
    });

    it('answers 500 Failed to delete video when deleting the document fails, and keeps everything', async () => {
      const video = await uploadVideo(t, owner);
      jest
        .spyOn(VideosRepository.prototype, 'deleteOwned')
        .mockRejectedValueOnce(new Error('write refused'));
      jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

      const res = await as(owner).delete(`/api/v1/video/${video._id}`);

      expectError(res, 500, 'INTERNAL_ERROR', 'Failed to delete video');
      expect(res.text).not.toContain('write refused');
      await as(owner).get(`/api/v1/video/${video._id}`).expect(200);
      await api(t).get(new URL(video.videoFile.url).pathname).expect(200);
    });

    it('lets only one of two concurrent deletes succeed', async () => {
      const video = await uploadVideo(t, owner);
      const [a, b] = await Promise.all([
        as(owner).delete(`/api/v1/video/${video._id}`),
        as(owner).delete(`/api/v1/video/${video._id}`),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 404]);
    });
  });
});
