import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import request, { type Response, type Test } from 'supertest';
import { CommunityPostsService } from 'src/modules/community-posts/community-posts.service';
import { PlaylistsService } from 'src/modules/playlists/playlists.service';
import { addComment } from 'test/factories/comments.factory';
import { createPost } from 'test/factories/posts.factory';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { uploadVideo } from 'test/factories/videos.factory';
import { tinyMp4, tinyPng } from 'test/fixtures/media.fixture';
import { API, RELAXED_LIMITS } from 'test/follows/social-test.util';
import { expectError, expectSuccess, MISSING_ID } from 'test/utils/contract';
import { listeningPort, rawRequest } from 'test/utils/raw-http';
import { createTestApp, type TestApp } from 'test/utils/test-app';

const KEY_HEADER = 'Idempotency-Key';
const REPLAYED = 'idempotent-replayed';

/**
 * `Idempotency-Key` (docs/api.md#idempotency-key) on the creating POSTs (video upload, the three
 * comment routes, community post, playlist), driven as a client that retries would drive it: a
 * retry of the same request answers the first success again and creates nothing; a different
 * request with the key is refused; concurrent duplicates create one resource; keys are per user;
 * they expire after 24 h; a failed attempt leaves the key free.
 */
describe('Idempotency-Key on the creating POSTs', () => {
  let t: TestApp;
  let user: TestUser;
  let other: TestUser;
  let videoId: string;
  let postId: string;
  let commentId: string;

  beforeAll(async () => {
    t = await createTestApp(RELAXED_LIMITS);
    user = await createVerifiedUser(t);
    other = await createVerifiedUser(t);
    videoId = (await uploadVideo(t, other, { isPublished: true }))._id;
    postId = (await createPost(t, other))._id;
    commentId = (await addComment(t, other, { video: videoId }))._id;
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const oid = (id: string) => new Types.ObjectId(id);
  const newKey = () => `key-${randomUUID()}`;
  const http = () => request(t.app.getHttpServer());

  /** A JSON creating route: where it posts, its body, and how many resources it has made. */
  interface JsonRoute {
    name: string;
    path: () => string;
    body: () => Record<string, unknown>;
    otherBody: () => Record<string, unknown>;
    count: (owner: TestUser) => Promise<number>;
  }
  const ROUTES: JsonRoute[] = [
    {
      name: 'POST /playlist',
      path: () => '/playlist',
      body: () => ({ name: 'Salsa picks', description: 'Best of', isPublished: true }),
      otherBody: () => ({ name: 'Salsa picks', description: 'Best of', isPublished: false }),
      count: (owner) =>
        t.connection.collection('playlists').countDocuments({ owner: oid(owner.id) }),
    },
    {
      name: 'POST /communitypost',
      path: () => '/communitypost',
      body: () => ({ content: 'Class at 8' }),
      otherBody: () => ({ content: 'Class at 9' }),
      count: (owner) =>
        t.connection.collection('communityposts').countDocuments({ owner: oid(owner.id) }),
    },
    {
      name: 'POST /comment/video-comments/:videoId',
      path: () => `/comment/video-comments/${videoId}`,
      body: () => ({ content: 'Nice turns' }),
      otherBody: () => ({ content: 'Nice spins' }),
      count: (owner) =>
        t.connection
          .collection('comments')
          .countDocuments({ owner: oid(owner.id), video: oid(videoId), parent: null }),
    },
    {
      name: 'POST /comment/:commentId/replies',
      path: () => `/comment/${commentId}/replies`,
      body: () => ({ content: 'Agreed' }),
      otherBody: () => ({ content: 'Disagreed' }),
      count: (owner) =>
        t.connection
          .collection('comments')
          .countDocuments({ owner: oid(owner.id), parent: oid(commentId) }),
    },
    {
      name: 'POST /comment/post-comments/:postId',
      path: () => `/comment/post-comments/${postId}`,
      body: () => ({ content: 'See you there' }),
      otherBody: () => ({ content: 'See you later' }),
      count: (owner) =>
        t.connection
          .collection('comments')
          .countDocuments({ owner: oid(owner.id), communityPost: oid(postId), parent: null }),
    },
  ];

  const send = (
    route: JsonRoute,
    as: TestUser,
    key: string | null,
    body: Record<string, unknown> = route.body(),
  ): Test => {
    const req = http().post(`${API}${route.path()}`).set('Authorization', as.authHeader);
    return (key === null ? req : req.set(KEY_HEADER, key)).send(body);
  };

  /** A multipart upload through V2 with a key; the same options give the same request. */
  const upload = (
    as: TestUser,
    key: string,
    options: { title?: string; thumbnail?: Buffer } = {},
  ): Test =>
    http()
      .post(`${API}/video`)
      .set('Authorization', as.authHeader)
      .set(KEY_HEADER, key)
      .field('title', options.title ?? 'Keyed upload')
      .field('isPublished', 'true')
      .attach('video', tinyMp4(), 'clip.mp4')
      .attach('thumbnail', options.thumbnail ?? tinyPng(), 'thumb.png');
  const countVideos = (owner: TestUser) =>
    t.connection.collection('videos').countDocuments({ owner: oid(owner.id) });

  /** The stored record of a key: never sent to anybody, read here to check what is kept. */
  const storedKey = (owner: TestUser, key: string) =>
    t.connection
      .collection<{
        state: string;
        fingerprint: string;
        expiresAt: Date;
        createdAt: Date;
        response: { status: number; message: string; data: string } | null;
      }>('idempotencykeys')
      .findOne({ user: oid(owner.id), key });

  /** A replay is the first answer again, byte for byte, marked as a replay. */
  function expectReplayOf(replay: Response, first: Response): void {
    expect(replay.status).toBe(first.status);
    expect(replay.text).toBe(first.text);
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(first.headers[REPLAYED]).toBeUndefined();
    expect(replay.headers['cache-control']).toBe('private, no-store');
    expect(replay.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
  }

  describe.each(ROUTES)('$name', (route) => {
    it('a retry with the same key and request answers the first success again and creates nothing', async () => {
      const key = newKey();
      const before = await route.count(user);
      const first = await send(route, user, key);
      expect(first.status).toBe(201);
      for (let i = 0; i < 3; i++) expectReplayOf(await send(route, user, key), first);
      expect(await route.count(user)).toBe(before + 1);
      // Key order and spacing of the JSON do not make a different request.
      const reordered = Object.fromEntries(Object.entries(route.body()).reverse());
      expectReplayOf(await send(route, user, key, reordered), first);
      expect(await route.count(user)).toBe(before + 1);
    });

    it('the same key with a different body is 422 IDEMPOTENCY_KEY_REUSED and creates nothing', async () => {
      const key = newKey();
      await send(route, user, key).expect(201);
      const before = await route.count(user);
      expectError(
        await send(route, user, key, route.otherBody()),
        422,
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used for a different request',
      );
      expect(await route.count(user)).toBe(before);
    });

    it('concurrent duplicates create exactly one resource; the others are replays or 409', async () => {
      const key = newKey();
      const before = await route.count(user);
      const responses = await Promise.all(Array.from({ length: 10 }, () => send(route, user, key)));
      const created = responses.filter((res) => res.status === 201);
      const busy = responses.filter((res) => res.status === 409);
      expect(created.length + busy.length).toBe(responses.length);
      expect(created.length).toBeGreaterThanOrEqual(1);
      for (const res of created) expect(res.body).toEqual(created[0].body);
      for (const res of busy) {
        expectError(
          res,
          409,
          'IDEMPOTENCY_KEY_IN_PROGRESS',
          'A request with this Idempotency-Key is still in progress; retry shortly',
        );
        expect(res.headers['retry-after']).toBe('1');
      }
      expect(await route.count(user)).toBe(before + 1);
      // Once it settled, a retry replays the one answer.
      const retry = await send(route, user, key).expect(201);
      expect(retry.headers[REPLAYED]).toBe('true');
      expect(retry.body).toEqual(created[0].body);
    });
  });

  describe('POST /video (multipart upload)', () => {
    it('a retried upload answers the first video again and stores one video', async () => {
      const owner = await createVerifiedUser(t);
      const key = newKey();
      const first = await upload(owner, key);
      expectSuccess(first, 201, 'Video uploaded successfully');
      expectReplayOf(await upload(owner, key), first);
      expect(await countVideos(owner)).toBe(1);
      // The channel counted one upload.
      const stored = await t.connection
        .collection<{ channel?: { videos?: number } }>('users')
        .findOne({ _id: oid(owner.id) });
      expect(stored?.channel?.videos).toBe(1);
    });

    it('compares the text fields and the bytes of each file: other bytes of the same size are 422', async () => {
      const owner = await createVerifiedUser(t);
      const key = newKey();
      await upload(owner, key).expect(201);
      const otherThumbnail = tinyPng([1, 2, 3]);
      expect(otherThumbnail.length).toBe(tinyPng().length);
      expect(otherThumbnail.equals(tinyPng())).toBe(false);
      expectError(
        await upload(owner, key, { thumbnail: otherThumbnail }),
        422,
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used for a different request',
      );
      expectError(
        await upload(owner, key, { title: 'Another title' }),
        422,
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used for a different request',
      );
      expect(await countVideos(owner)).toBe(1);
    });

    it('concurrent duplicate uploads store one video', async () => {
      const owner = await createVerifiedUser(t);
      const key = newKey();
      const responses = await Promise.all([
        upload(owner, key),
        upload(owner, key),
        upload(owner, key),
      ]);
      expect(responses.map((res) => res.status).every((s) => s === 201 || s === 409)).toBe(true);
      expect(responses.some((res) => res.status === 201)).toBe(true);
      expect(await countVideos(owner)).toBe(1);
    });
  });

  describe('scope, expiry and failures', () => {
    const playlist = ROUTES[0];
    const post = ROUTES[1];

    it('keys are per user: the same key of another user is independent', async () => {
      const key = newKey();
      const mine = await send(playlist, user, key).expect(201);
      const theirs = await send(playlist, other, key).expect(201);
      expect(theirs.headers[REPLAYED]).toBeUndefined();
      expect(theirs.body.data._id).not.toBe(mine.body.data._id);
      expect(theirs.body.data.owner._id).toBe(other.id);
      // Each replays their own.
      expect((await send(playlist, user, key).expect(201)).body).toEqual(mine.body);
      expect((await send(playlist, other, key).expect(201)).body).toEqual(theirs.body);
    });

    it('a key is one request: another route or another parent with it is 422', async () => {
      const key = newKey();
      await send(playlist, user, key).expect(201);
      expectError(await send(post, user, key), 422, 'IDEMPOTENCY_KEY_REUSED', expect.any(String));
      const otherPost = (await createPost(t, other))._id;
      const commentKey = newKey();
      await http()
        .post(`${API}/comment/post-comments/${postId}`)
        .set('Authorization', user.authHeader)
        .set(KEY_HEADER, commentKey)
        .send({ content: 'Same words' })
        .expect(201);
      const elsewhere = await http()
        .post(`${API}/comment/post-comments/${otherPost}`)
        .set('Authorization', user.authHeader)
        .set(KEY_HEADER, commentKey)
        .send({ content: 'Same words' });
      expect(elsewhere.status).toBe(422);
      expect(
        await t.connection.collection('comments').countDocuments({ communityPost: oid(otherPost) }),
      ).toBe(0);
    });

    it('keeps a success for 24 h; once the key has expired it runs again', async () => {
      const key = newKey();
      const before = await playlist.count(user);
      const first = await send(playlist, user, key).expect(201);
      const stored = await storedKey(user, key);
      expect(stored).toMatchObject({ state: 'done', response: { status: 201 } });
      const lifetime = (stored?.expiresAt.getTime() ?? 0) - (stored?.createdAt.getTime() ?? 0);
      expect(Math.abs(lifetime - 24 * 3600 * 1000)).toBeLessThan(5000);

      // 24 h later (the TTL monitor may not have run yet: the code compares the dates itself).
      await t.connection
        .collection('idempotencykeys')
        .updateOne({ user: oid(user.id), key }, { $set: { expiresAt: new Date(Date.now() - 1) } });
      const again = await send(playlist, user, key).expect(201);
      expect(again.headers[REPLAYED]).toBeUndefined();
      expect(again.body.data._id).not.toBe(first.body.data._id);
      expect(await playlist.count(user)).toBe(before + 2);
      // And it is a fresh key: the new success is what it replays now.
      expect((await send(playlist, user, key).expect(201)).body).toEqual(again.body);
    });

    it('an expired key may be used for a different request', async () => {
      const key = newKey();
      await send(post, user, key).expect(201);
      await t.connection
        .collection('idempotencykeys')
        .updateOne({ user: oid(user.id), key }, { $set: { expiresAt: new Date(Date.now() - 1) } });
      await send(post, user, key, post.otherBody()).expect(201);
    });

    it('a 4xx stores nothing: the key is free for the corrected request', async () => {
      const key = newKey();
      const before = await playlist.count(user);
      expectError(
        await send(playlist, user, key, { name: '' }),
        400,
        'VALIDATION_ERROR',
        expect.any(String),
      );
      expect(await storedKey(user, key)).toBeNull();
      const fixed = await send(playlist, user, key).expect(201);
      expect(fixed.headers[REPLAYED]).toBeUndefined();
      expect(await playlist.count(user)).toBe(before + 1);

      // A 404 (the parent is missing) likewise.
      const commentKey = newKey();
      const missing = await http()
        .post(`${API}/comment/video-comments/${MISSING_ID}`)
        .set('Authorization', user.authHeader)
        .set(KEY_HEADER, commentKey)
        .send({ content: 'Hello' });
      expectError(missing, 404, 'NOT_FOUND', 'Video not found');
      await http()
        .post(`${API}/comment/video-comments/${videoId}`)
        .set('Authorization', user.authHeader)
        .set(KEY_HEADER, commentKey)
        .send({ content: 'Hello' })
        .expect(201);
    });

    it('a 5xx stores nothing: the retry runs and creates the one resource', async () => {
      const key = newKey();
      const before = await post.count(user);
      jest
        .spyOn(t.app.get(CommunityPostsService), 'create')
        .mockRejectedValueOnce(new Error('database hiccup'));
      expectError(await send(post, user, key), 500, 'INTERNAL_ERROR', 'Internal server error');
      expect(await storedKey(user, key)).toBeNull();
      const retry = await send(post, user, key).expect(201);
      expect(retry.headers[REPLAYED]).toBeUndefined();
      expect(await post.count(user)).toBe(before + 1);
    });

    it('while the first request runs a duplicate gets 409 with Retry-After, then the replay', async () => {
      const key = newKey();
      const service = t.app.get(PlaylistsService);
      const create = service.create.bind(service);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      jest.spyOn(service, 'create').mockImplementationOnce(async (...args) => {
        started();
        await gate;
        return create(...args);
      });
      const first = send(playlist, user, key).then((res) => res);
      await running;
      const duplicate = await send(playlist, user, key);
      expectError(
        duplicate,
        409,
        'IDEMPOTENCY_KEY_IN_PROGRESS',
        'A request with this Idempotency-Key is still in progress; retry shortly',
      );
      expect(duplicate.headers['retry-after']).toBe('1');
      // A different request with the busy key is still a different request.
      expect((await send(playlist, user, key, playlist.otherBody())).status).toBe(422);
      release();
      const done = await first;
      expect(done.status).toBe(201);
      expectReplayOf(await send(playlist, user, key), done);
    });

    it('a claim left by a request that never finished frees the key when its lease ends', async () => {
      const key = newKey();
      const before = await playlist.count(user);
      // What a crash mid-request leaves: a pending claim.
      const now = Date.now();
      await t.connection.collection('idempotencykeys').insertOne({
        user: oid(user.id),
        key,
        fingerprint: 'of the crashed request',
        state: 'pending',
        response: null,
        expiresAt: new Date(now + 60_000),
        createdAt: new Date(now),
        updatedAt: new Date(now),
      });
      expect((await send(playlist, user, key)).status).toBe(422);
      await t.connection
        .collection('idempotencykeys')
        .updateOne({ user: oid(user.id), key }, { $set: { expiresAt: new Date(now - 1) } });
      await send(playlist, user, key).expect(201);
      expect(await playlist.count(user)).toBe(before + 1);
    });

    it('without the header nothing changes: two POSTs, two resources', async () => {
      const before = await post.count(user);
      await send(post, user, null).expect(201);
      await send(post, user, null).expect(201);
      expect(await post.count(user)).toBe(before + 2);
    });

    it('replays carry nothing of the stored record and nothing secret', async () => {
      const key = newKey();
      const first = await send(playlist, user, key).expect(201);
      const replay = await send(playlist, user, key).expect(201);
      const stored = await storedKey(user, key);
      expect(stored).not.toBeNull();
      expect(Object.keys(replay.body).sort()).toEqual(['data', 'message', 'statusCode', 'success']);
      expect(replay.body).toEqual(first.body);
      for (const secret of [
        stored?.fingerprint ?? 'missing',
        key,
        'fingerprint',
        'idempotencykeys',
        'expiresAt',
        'password',
        'tokenHash',
        user.accessToken,
      ])
        expect(replay.text).not.toContain(secret);
    });
  });

  describe('the header itself', () => {
    const playlist = ROUTES[0];

    it('accepts 1 to 128 visible ASCII characters', async () => {
      for (const key of ['k', '!~#$%&*+-.^_`|{}', 'x'.repeat(128)]) {
        const first = await send(playlist, user, key).expect(201);
        expectReplayOf(await send(playlist, user, key), first);
      }
    });

    it('refuses anything else with 400 INVALID_IDEMPOTENCY_KEY and creates nothing', async () => {
      const port = await listeningPort(t);
      const before = await playlist.count(user);
      const bad = ['', 'two words', 'x'.repeat(129), 'caf\u00e9', 'tab\there'];
      for (const key of bad) {
        const res = await rawRequest(
          port,
          'POST',
          `${API}/playlist`,
          {
            Authorization: user.authHeader,
            'Content-Type': 'application/json',
            [KEY_HEADER]: key,
          },
          JSON.stringify(playlist.body()),
        );
        expectError(
          res,
          400,
          'INVALID_IDEMPOTENCY_KEY',
          'Idempotency-Key must be 1 to 128 visible ASCII characters (no spaces)',
        );
      }
      expect(await playlist.count(user)).toBe(before);
      const upload = await http()
        .post(`${API}/video`)
        .set('Authorization', user.authHeader)
        .set(KEY_HEADER, 'two words')
        .field('title', 'Bad key')
        .attach('video', tinyMp4(), 'clip.mp4')
        .attach('thumbnail', tinyPng(), 'thumb.png');
      expectError(upload, 400, 'INVALID_IDEMPOTENCY_KEY', expect.any(String));
      expect(await countVideos(user)).toBe(0);
    });

    it('authentication comes first: an anonymous request with a key is 401', async () => {
      const res = await http()
        .post(`${API}/playlist`)
        .set(KEY_HEADER, newKey())
        .send(playlist.body());
      expectError(res, 401, 'UNAUTHORIZED', 'UNAUTHORIZED');
    });
  });
});
