import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import request, { type Response } from 'supertest';
import { CommunityPost } from 'src/modules/community-posts/schemas/community-post.schema';
import { Comment } from 'src/modules/comments/schemas/comment.schema';
import { Playlist } from 'src/modules/playlists/schemas/playlist.schema';
import { Video } from 'src/modules/videos/schemas/video.schema';
import { VideosRepository } from 'src/modules/videos/videos.repository';
import { PlaylistsRepository } from 'src/modules/playlists/playlists.repository';
import { CommentsRepository } from 'src/modules/comments/comments.repository';
import { CommunityPostsRepository } from 'src/modules/community-posts/community-posts.repository';
import { addComment } from 'test/factories/comments.factory';
import { toggleLike } from 'test/factories/likes.factory';
import { createPlaylist } from 'test/factories/playlists.factory';
import { createPost } from 'test/factories/posts.factory';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { insertVideo } from 'test/factories/videos.factory';
import { expectError, MISSING_ID } from 'test/utils/contract';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * docs/api.md#caching (issue 15): strong ETags over the exact bytes of every
 * 200 read, If-None-Match → 304 (HEAD too), and If-Match on the four PATCH routes → 412 with
 * nothing changed, checked against the representation the caller reads and written only while
 * the stored version is the one that representation was built from.
 */

const API = '/api/v1';
const STRONG_TAG = /^"[A-Za-z0-9_-]{27}"$/;

/** The definition clients rely on: 27 base64url characters of the SHA-256 of the bytes, quoted. */
function tagOf(bytes: string): string {
  return `"${createHash('sha256').update(Buffer.from(bytes, 'utf8')).digest('base64url').slice(0, 27)}"`;
}

function expect412(res: Response, message = 'If-Match does not match the current ETag'): void {
  expectError(res, 412, 'PRECONDITION_FAILED', message);
  expect(res.headers['cache-control']).toBe('private, no-store');
}

describe('Conditional requests', () => {
  let t: TestApp;
  let http: Server;
  let owner: TestUser;
  let viewer: TestUser;
  let videos: Model<Video>;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_GLOBAL: '1000000' });
    http = t.app.getHttpServer();
    [owner, viewer] = await Promise.all([createVerifiedUser(t), createVerifiedUser(t)]);
    videos = t.app.get<Model<Video>>(getModelToken(Video.name));
  });
  afterAll(async () => {
    await t?.close();
  });

  const stored = async (videoId: string) =>
    videos.collection.findOne({ _id: new Types.ObjectId(videoId) });

  describe('ETag and If-None-Match on reads', () => {
    let videoId: string;
    beforeAll(async () => {
      videoId = await insertVideo(t, owner.id, { title: 'Tagged salsa' });
    });

    it('tags every 200 read with the strong tag of its exact bytes, anonymous or signed in', async () => {
      for (const [path, auth] of [
        [`${API}/video`, null],
        [`${API}/video/${videoId}`, null],
        [`${API}/video/${videoId}`, owner.authHeader],
        [`${API}/user/${owner.username}`, null],
        [`${API}/comment/video-comments/${videoId}`, viewer.authHeader],
        [`${API}/auth/me`, owner.authHeader],
        [`${API}/docs-json`, null],
      ] as const) {
        const req = request(http).get(path);
        const res = await (auth ? req.set('Authorization', auth) : req).expect(200);
        expect(res.headers.etag).toMatch(STRONG_TAG);
        expect(res.headers.etag).toBe(tagOf(res.text));
      }
    });

    it('answers 304 without a body to a matching tag, in a list, as W/ or *; 200 otherwise', async () => {
      const path = `${API}/user/${owner.username}`;
      const first = await request(http).get(path).expect(200);
      const etag = first.headers.etag;
      for (const condition of [etag, `"elsewhere", ${etag}`, `W/${etag}`, '*']) {
        const res = await request(http).get(path).set('If-None-Match', condition);
        expect(res.status).toBe(304);
        expect(res.text ?? '').toBe('');
        expect(res.headers.etag).toBe(etag);
        expect(res.headers['content-type']).toBeUndefined();
        expect(res.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
        expect(res.headers['x-request-id']).toBeDefined();
      }
      // A request's `Cache-Control: no-cache` addresses caches on the way; the API still answers
      // the condition (Express's own check would not).
      const reload = await request(http)
        .get(path)
        .set('Cache-Control', 'no-cache')
        .set('If-None-Match', etag);
      expect(reload.status).toBe(304);
      for (const condition of ['"elsewhere"', etag.slice(1, -1), `${etag} junk`]) {
        const res = await request(http).get(path).set('If-None-Match', condition).expect(200);
        expect(res.text).toBe(first.text);
        expect(res.headers.etag).toBe(etag);
      }
    });

    it('answers HEAD with the same tag and no body, 304 when it matches, without counting a view', async () => {
      const path = `${API}/video/${videoId}`;
      const before = (await stored(videoId))?.views;
      const head = await request(http).head(path).set('Authorization', viewer.authHeader);
      expect(head.status).toBe(200);
      expect(head.text ?? '').toBe('');
      expect(head.headers.etag).toMatch(STRONG_TAG);
      const again = await request(http)
        .head(path)
        .set('Authorization', viewer.authHeader)
        .set('If-None-Match', head.headers.etag);
      expect(again.status).toBe(304);
      expect((await stored(videoId))?.views).toBe(before);
      // The GET that would follow (no view has been counted yet) has the same bytes.
      const owners = await request(http).head(path).set('Authorization', owner.authHeader);
      const ownersGet = await request(http).get(path).set('Authorization', owner.authHeader);
      expect(ownersGet.headers.etag).toBe(owners.headers.etag);
    });

    it('counts the view of a conditional GET of the watch page before answering 304', async () => {
      const id = await insertVideo(t, owner.id);
      const path = `${API}/video/${id}`;
      const res = await request(http)
        .get(path)
        .set('Authorization', viewer.authHeader)
        .set('If-None-Match', '*');
      expect(res.status).toBe(304);
      expect((await stored(id))?.views).toBe(1);
    });

    it('gives a changed resource a new tag, so the old one gets the new 200', async () => {
      const path = `${API}/video/${videoId}`;
      const before = await request(http).get(path).set('Authorization', owner.authHeader);
      await request(http)
        .patch(path)
        .set('Authorization', owner.authHeader)
        .send({ title: 'Renamed salsa' })
        .expect(200);
      const after = await request(http)
        .get(path)
        .set('Authorization', owner.authHeader)
        .set('If-None-Match', before.headers.etag);
      expect(after.status).toBe(200);
      expect(after.body.data.title).toBe('Renamed salsa');
      expect(after.headers.etag).not.toBe(before.headers.etag);
      expect(after.headers.etag).toBe(tagOf(after.text));
    });

    it('evaluates If-None-Match on reads only: a write ignores it', async () => {
      const id = await insertVideo(t, owner.id);
      const res = await request(http)
        .patch(`${API}/video/${id}`)
        .set('Authorization', owner.authHeader)
        .set('If-None-Match', '*')
        .send({ title: 'Still written' });
      expect(res.status).toBe(200);
      expect((await stored(id))?.title).toBe('Still written');
    });
  });

  describe('If-Match on PATCH /video/:videoId (the watch page the owner gets)', () => {
    const etagOf = async (videoId: string): Promise<string> =>
      (await request(http).get(`${API}/video/${videoId}`).set('Authorization', owner.authHeader))
        .headers.etag;
    const patch = (videoId: string, ifMatch: string, body: object = { title: 'Edited' }) =>
      request(http)
        .patch(`${API}/video/${videoId}`)
        .set('Authorization', owner.authHeader)
        .set('If-Match', ifMatch)
        .send(body);

    it('writes with the current tag (alone, in a list, or from a HEAD)', async () => {
      const videoId = await insertVideo(t, owner.id);
      const current = await etagOf(videoId);
      const res = await patch(videoId, current, { title: 'First edit' });
      expect(res.status).toBe(200);
      expect(res.body.data.title).toBe('First edit');
      const listed = await patch(videoId, `"stale", ${await etagOf(videoId)}`, { title: 'Second' });
      expect(listed.status).toBe(200);
      const head = await request(http)
        .head(`${API}/video/${videoId}`)
        .set('Authorization', owner.authHeader);
      expect((await patch(videoId, head.headers.etag, { title: 'Third' })).status).toBe(200);
      expect((await stored(videoId))?.title).toBe('Third');
    });

    it('answers a stale tag 412 and changes nothing', async () => {
      const videoId = await insertVideo(t, owner.id, { title: 'Original' });
      const stale = await etagOf(videoId);
      await patch(videoId, stale, { title: 'Someone else first' }).expect(200);
      const before = await stored(videoId);
      const res = await patch(videoId, stale, { title: 'Lost update' });
      expect412(res);
      const after = await stored(videoId);
      expect(after?.title).toBe('Someone else first');
      expect(after?.updatedAt).toEqual(before?.updatedAt);
    });

    it('compares strongly: W/ of the current tag, an unquoted hash, and junk fail', async () => {
      const videoId = await insertVideo(t, owner.id, { title: 'Unchanged' });
      const current = await etagOf(videoId);
      expect412(await patch(videoId, `W/${current}`));
      expect412(
        await patch(videoId, current.slice(1, -1)),
        'If-Match must be * or a list of quoted entity tags',
      );
      expect412(await patch(videoId, 'junk'), 'If-Match must be * or a list of quoted entity tags');
      expect((await stored(videoId))?.title).toBe('Unchanged');
    });

    it('passes * whenever the video exists, and keeps 404 and 403 before any precondition', async () => {
      const videoId = await insertVideo(t, owner.id);
      expect((await patch(videoId, '*', { title: 'Any version' })).status).toBe(200);
      expect((await stored(videoId))?.title).toBe('Any version');
      expectError(await patch(MISSING_ID, '*'), 404, 'NOT_FOUND', 'Video not found');
      expectError(await patch(MISSING_ID, '"stale"'), 404, 'NOT_FOUND', 'Video not found');
      const others = await insertVideo(t, viewer.id);
      expectError(
        await patch(others, '"stale"'),
        403,
        'FORBIDDEN',
        'You can only update your own videos',
      );
    });

    it('checks the precondition of an empty edit too', async () => {
      const videoId = await insertVideo(t, owner.id);
      expect412(await patch(videoId, '"stale"', {}));
      expect((await patch(videoId, await etagOf(videoId), {})).status).toBe(200);
    });

    it('counts views and likes as part of the page: one since the read makes the tag stale', async () => {
      const videoId = await insertVideo(t, owner.id, { title: 'Popular' });
      const read = await etagOf(videoId);
      await request(http)
        .get(`${API}/video/${videoId}`)
        .set('Authorization', viewer.authHeader)
        .expect(200);
      expect412(await patch(videoId, read, { title: 'Too late' }));
      expect((await stored(videoId))?.title).toBe('Popular');
    });

    it('lets exactly one of concurrent writes with the same tag through; the others get 412', async () => {
      const videoId = await insertVideo(t, owner.id, { title: 'Contested' });
      const current = await etagOf(videoId);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => patch(videoId, current, { title: `Writer ${i}` })),
      );
      const winners = results.filter((res) => res.status === 200);
      expect(winners).toHaveLength(1);
      for (const res of results.filter((r) => r.status !== 200)) expect412(res);
      expect((await stored(videoId))?.title).toBe(winners[0].body.data.title);
    });
  });

  describe('If-Match on PATCH /playlist/:playlistId (the playlist page the owner gets)', () => {
    it('writes with the current tag, refuses a stale one with nothing changed, and passes *', async () => {
      const playlist = await createPlaylist(t, owner, { name: 'Warm-up' });
      const path = `${API}/playlist/${playlist._id}`;
      const read = await request(http).get(path).set('Authorization', owner.authHeader);
      expect(read.headers.etag).toBe(tagOf(read.text));
      const ok = await request(http)
        .patch(path)
        .set('Authorization', owner.authHeader)
        .set('If-Match', read.headers.etag)
        .send({ name: 'Warm-up v2' });
      expect(ok.status).toBe(200);

      // Adding a video changes the page, so the tag read before it is stale.
      const fresh = await request(http).get(path).set('Authorization', owner.authHeader);
      const videoId = await insertVideo(t, owner.id);
      await request(http)
        .post(`${API}/playlist/${playlist._id}/videos/${videoId}`)
        .set('Authorization', owner.authHeader)
        .expect(200);
      const playlists = t.app.get<Model<Playlist>>(getModelToken(Playlist.name));
      const before = await playlists.collection.findOne({ _id: new Types.ObjectId(playlist._id) });
      expect412(
        await request(http)
          .patch(path)
          .set('Authorization', owner.authHeader)
          .set('If-Match', fresh.headers.etag)
          .send({ name: 'Lost update' }),
      );
      const after = await playlists.collection.findOne({ _id: new Types.ObjectId(playlist._id) });
      expect(after?.name).toBe('Warm-up v2');
      expect(after?.updatedAt).toEqual(before?.updatedAt);

      const any = await request(http)
        .patch(path)
        .set('Authorization', owner.authHeader)
        .set('If-Match', '*')
        .send({ name: 'Warm-up v3' });
      expect(any.status).toBe(200);
      expect(any.headers.etag).toBeUndefined();
    });
  });

  /**
   * Two writes that both passed the check (the repository's conditional write holds each until
   * both have arrived): only the version filter of the write can keep the second from
   * overwriting the first. Without it both would answer 200.
   */
  describe('a write that passed its check but lost the race to another one', () => {
    type Repository = { updateOwnedAtVersion(...args: unknown[]): Promise<unknown> };

    async function race(
      repository: Repository,
      write: (value: string) => Promise<Response>,
    ): Promise<Response[]> {
      const original = repository.updateOwnedAtVersion.bind(repository);
      let arrived = 0;
      let release = (): void => undefined;
      const bothChecked = new Promise<void>((resolve) => (release = resolve));
      const spy = jest
        .spyOn(repository, 'updateOwnedAtVersion')
        .mockImplementation(async (...args: unknown[]) => {
          arrived += 1;
          if (arrived === 2) release();
          await bothChecked;
          return original(...args);
        });
      try {
        return await Promise.all([write('Writer A'), write('Writer B')]);
      } finally {
        spy.mockRestore();
      }
    }

    function oneWins(results: Response[], field: string): string {
      const winners = results.filter((res) => res.status === 200);
      expect(winners).toHaveLength(1);
      for (const res of results.filter((r) => r.status !== 200)) expect412(res);
      return winners[0].body.data[field] as string;
    }

    it('PATCH /video/:videoId', async () => {
      const videoId = await insertVideo(t, owner.id);
      const path = `${API}/video/${videoId}`;
      const tag = (await request(http).get(path).set('Authorization', owner.authHeader)).headers
        .etag;
      const results = await race(t.app.get(VideosRepository), (title) =>
        request(http)
          .patch(path)
          .set('Authorization', owner.authHeader)
          .set('If-Match', tag)
          .send({ title })
          .then((res) => res),
      );
      expect((await stored(videoId))?.title).toBe(oneWins(results, 'title'));
    });

    it('PATCH /playlist/:playlistId', async () => {
      const playlist = await createPlaylist(t, owner);
      const path = `${API}/playlist/${playlist._id}`;
      const tag = (await request(http).get(path).set('Authorization', owner.authHeader)).headers
        .etag;
      const results = await race(t.app.get(PlaylistsRepository), (name) =>
        request(http)
          .patch(path)
          .set('Authorization', owner.authHeader)
          .set('If-Match', tag)
          .send({ name })
          .then((res) => res),
      );
      const winner = oneWins(results, 'name');
      const playlists = t.app.get<Model<Playlist>>(getModelToken(Playlist.name));
      const saved = await playlists.collection.findOne({ _id: new Types.ObjectId(playlist._id) });
      expect(saved?.name).toBe(winner);
    });

    it('PATCH /comment/:commentId', async () => {
      const videoId = await insertVideo(t, owner.id);
      const created = await addComment(t, owner, { video: videoId });
      const tag = tagOf(JSON.stringify(created));
      const results = await race(t.app.get(CommentsRepository), (content) =>
        request(http)
          .patch(`${API}/comment/${created._id}`)
          .set('Authorization', owner.authHeader)
          .set('If-Match', tag)
          .send({ content })
          .then((res) => res),
      );
      const winner = oneWins(results, 'content');
      const comments = t.app.get<Model<Comment>>(getModelToken(Comment.name));
      const saved = await comments.collection.findOne({ _id: new Types.ObjectId(created._id) });
      expect(saved?.content).toBe(winner);
    });

    it('PATCH /communitypost/:postId', async () => {
      const post = await createPost(t, owner);
      const tag = tagOf(JSON.stringify(post));
      const results = await race(t.app.get(CommunityPostsRepository), (content) =>
        request(http)
          .patch(`${API}/communitypost/${post._id}`)
          .set('Authorization', owner.authHeader)
          .set('If-Match', tag)
          .send({ content })
          .then((res) => res),
      );
      const winner = oneWins(results, 'content');
      const posts = t.app.get<Model<CommunityPost>>(getModelToken(CommunityPost.name));
      const saved = await posts.collection.findOne({ _id: new Types.ObjectId(post._id) });
      expect(saved?.content).toBe(winner);
    });
  });

  describe('If-Match on PATCH /comment/:commentId and /communitypost/:postId (the item)', () => {
    /** What a client computes for an item of a list: the tag of its JSON, as sent. */
    const itemTag = (item: unknown): string => tagOf(JSON.stringify(item));

    it('takes the tag of the comment as the list shows it to its author, and answers with the new one', async () => {
      const videoId = await insertVideo(t, owner.id);
      const created = await addComment(t, owner, { video: videoId }, 'First take');
      const list = await request(http)
        .get(`${API}/comment/video-comments/${videoId}`)
        .set('Authorization', owner.authHeader)
        .expect(200);
      const item = list.body.data.docs[0];
      expect(item._id).toBe(created._id);
      const path = `${API}/comment/${created._id}`;

      const ok = await request(http)
        .patch(path)
        .set('Authorization', owner.authHeader)
        .set('If-Match', itemTag(item))
        .send({ content: 'Second take' });
      expect(ok.status).toBe(200);
      expect(ok.headers.etag).toBe(itemTag(ok.body.data));
      const relisted = await request(http)
        .get(`${API}/comment/video-comments/${videoId}`)
        .set('Authorization', owner.authHeader);
      expect(itemTag(relisted.body.data.docs[0])).toBe(ok.headers.etag);

      // The tag of the answer works for the next edit; the one before it no longer does.
      const comments = t.app.get<Model<Comment>>(getModelToken(Comment.name));
      const before = await comments.collection.findOne({ _id: new Types.ObjectId(created._id) });
      expect412(
        await request(http)
          .patch(path)
          .set('Authorization', owner.authHeader)
          .set('If-Match', itemTag(item))
          .send({ content: 'Lost update' }),
      );
      const unchanged = await comments.collection.findOne({ _id: new Types.ObjectId(created._id) });
      expect(unchanged?.content).toBe('Second take');
      expect(unchanged?.updatedAt).toEqual(before?.updatedAt);

      // A like is part of the item: the tag read before it is stale.
      await toggleLike(t, viewer, 'comment', created._id).expect(200);
      expect412(
        await request(http)
          .patch(path)
          .set('Authorization', owner.authHeader)
          .set('If-Match', ok.headers.etag)
          .send({ content: 'Also lost' }),
      );
      const third = await request(http)
        .patch(path)
        .set('Authorization', owner.authHeader)
        .set('If-Match', '*')
        .send({ content: 'Third take' });
      expect(third.status).toBe(200);
      expect(third.body.data.likesCount).toBe(1);
      expect(third.headers.etag).toBe(itemTag(third.body.data));
    });

    it('takes the tag of the post as the feed shows it to its owner', async () => {
      const post = await createPost(t, owner, 'Rehearsal at 8');
      const feed = await request(http)
        .get(`${API}/communitypost/user/${owner.id}`)
        .set('Authorization', owner.authHeader)
        .expect(200);
      const docs = feed.body.data.docs as { _id: string }[];
      const item = docs.find((doc) => doc._id === post._id);
      const path = `${API}/communitypost/${post._id}`;
      const ok = await request(http)
        .patch(path)
        .set('Authorization', owner.authHeader)
        .set('If-Match', itemTag(item))
        .send({ content: 'Rehearsal at 9' });
      expect(ok.status).toBe(200);
      expect(ok.headers.etag).toBe(itemTag(ok.body.data));

      const posts = t.app.get<Model<CommunityPost>>(getModelToken(CommunityPost.name));
      expect412(
        await request(http)
          .patch(path)
          .set('Authorization', owner.authHeader)
          .set('If-Match', itemTag(item))
          .send({ content: 'Lost update' }),
      );
      const storedPost = await posts.collection.findOne({ _id: new Types.ObjectId(post._id) });
      expect(storedPost?.content).toBe('Rehearsal at 9');
      expectError(
        await request(http)
          .patch(`${API}/communitypost/${post._id}`)
          .set('Authorization', viewer.authHeader)
          .set('If-Match', '*')
          .send({ content: 'Not mine' }),
        403,
        'FORBIDDEN',
        'You can only edit your own posts',
      );
    });
  });
});
