import { Logger } from '@nestjs/common';
import { CommentsRepository } from 'src/modules/comments/comments.repository';
import { CommunityPostsRepository } from 'src/modules/community-posts/community-posts.repository';
import { addComment, commentExists, countComments } from 'test/factories/comments.factory';
import { countLikes, toggleLike } from 'test/factories/likes.factory';
import { createPost, insertPost, postExists } from 'test/factories/posts.factory';
import {
  createPendingUser,
  createVerifiedUser,
  createVerifiedUsers,
  type TestUser,
} from 'test/factories/users.factory';
import {
  api,
  AUTH_ROUND_TRIPS,
  commandsOf,
  ENGAGEMENT_ENV,
  expectError,
  expectPostShape,
  expectSuccess,
  MISSING_ID,
  CURSOR_PAGINATION_KEYS,
} from 'test/likes/engagement-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import { Types } from 'mongoose';

/**
 * Community posts: the `/communitypost` routes, the post's delete cascade, pagination, round trips.
 */
describe('community posts', () => {
  let t: TestApp;
  let owner: TestUser;
  let fan: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    t = await createTestApp(ENGAGEMENT_ENV);
    [owner, fan, other] = await createVerifiedUsers(t, 3);
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const create = (user: TestUser, body: unknown) =>
    api(t)
      .post('/api/v1/communitypost')
      .set('Authorization', user.authHeader)
      .send(body as object);
  const feed = (user?: TestUser, query: Record<string, string | number> = {}) => {
    const req = api(t).get('/api/v1/communitypost/feed').query(query);
    return user ? req.set('Authorization', user.authHeader) : req;
  };
  const byUser = (userId: string, user?: TestUser, query: Record<string, string | number> = {}) => {
    const req = api(t).get(`/api/v1/communitypost/user/${userId}`).query(query);
    return user ? req.set('Authorization', user.authHeader) : req;
  };
  const edit = (user: TestUser, postId: string, body: unknown) =>
    api(t)
      .patch(`/api/v1/communitypost/${postId}`)
      .set('Authorization', user.authHeader)
      .send(body as object);
  const remove = (user: TestUser, postId: string) =>
    api(t).delete(`/api/v1/communitypost/${postId}`).set('Authorization', user.authHeader);
  const ids = (docs: { _id: string }[]): string[] => docs.map((doc) => doc._id);

  describe('POST /communitypost', () => {
    it('creates a trimmed post and answers the Post shape', async () => {
      const res = await create(owner, { content: '  Workshop on Sunday  ' });
      expectSuccess(res, 201, 'Community post created successfully');
      expectPostShape(res.body.data);
      expect(res.body.data).toMatchObject({
        content: 'Workshop on Sunday',
        owner: { _id: owner.id, username: owner.username, name: owner.name },
        likesCount: 0,
        isLiked: false,
      });
      expect(await postExists(t, res.body.data._id)).toBe(true);
    });

    it('validates content with the documented messages (create)', async () => {
      expectError(await create(owner, {}), 400, 'VALIDATION_ERROR', 'Content is required');
      expectError(
        await create(owner, { content: ' \t ' }),
        400,
        'VALIDATION_ERROR',
        'Content is required',
      );
      expectError(
        await create(owner, { content: 'a'.repeat(5001) }),
        400,
        'VALIDATION_ERROR',
        'Content must be at most 5000 characters',
      );
      expectError(
        await create(owner, { content: ['x'] }),
        400,
        'VALIDATION_ERROR',
        'content must be a string',
      );
      expectError(
        await create(owner, { content: 'ok', pinned: true }),
        400,
        'VALIDATION_ERROR',
        'pinned is not allowed',
      );
      // 5000 characters in a multi-byte script fit in the 32 KB body limit.
      const long = await create(owner, { content: 'ダ'.repeat(5000) });
      expectSuccess(long, 201, 'Community post created successfully');
      expect(long.body.data.content).toHaveLength(5000);
    });

    it('requires a signed-in caller', async () => {
      expectError(
        await api(t).post('/api/v1/communitypost').send({ content: 'x' }),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
    });
  });

  describe('GET /communitypost/feed', () => {
    it("lists everyone's posts newest first with per-caller like figures", async () => {
      const early = await insertPost(t, owner.id, {
        createdAt: new Date('2031-01-01T00:00:00.000Z'),
      });
      const late = await insertPost(t, other.id, {
        createdAt: new Date('2031-01-02T00:00:00.000Z'),
      });
      await toggleLike(t, fan, 'communityPost', early).expect(200);

      const res = await feed(fan, { limit: 2 });
      expectSuccess(res, 200, 'Community feed fetched successfully');
      expect(Object.keys(res.body.data)).toEqual(CURSOR_PAGINATION_KEYS);
      expect(ids(res.body.data.docs)).toEqual([late, early]);
      for (const doc of res.body.data.docs) expectPostShape(doc);
      expect(res.body.data.docs[1]).toMatchObject({
        likesCount: 1,
        isLiked: true,
        owner: { _id: owner.id, username: owner.username },
      });
      const anonymous = await feed(undefined, { limit: 2 }).expect(200);
      expect(anonymous.body.data.docs[1]).toMatchObject({ likesCount: 1, isLiked: false });
    });

    it('25 posts sharing one createdAt come back exactly once over pages of 10', async () => {
      const at = new Date('2032-05-05T05:05:05.000Z');
      const inserted: string[] = [];
      for (let i = 0; i < 25; i++) inserted.push(await insertPost(t, owner.id, { createdAt: at }));
      const seen: string[] = [];
      let total = 0;
      for (const page of [1, 2, 3]) {
        const res = await feed(undefined, { page, limit: 10 }).expect(200);
        total = res.body.data.totalDocs;
        expect(res.body.data).toMatchObject({
          page,
          limit: 10,
          pagingCounter: (page - 1) * 10 + 1,
        });
        seen.push(...ids(res.body.data.docs));
      }
      expect(total).toBeGreaterThanOrEqual(25);
      // They are the newest posts of the feed; ties are broken by `_id` descending.
      expect(seen.slice(0, 25)).toEqual([...inserted].sort().reverse());
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('leaves out posts whose owner is pending', async () => {
      const pending = await createPendingUser(t);
      const hidden = await insertPost(t, pending.id, {
        createdAt: new Date('2033-01-01T00:00:00.000Z'),
      });
      const res = await feed(undefined, { limit: 5 }).expect(200);
      expect(ids(res.body.data.docs)).not.toContain(hidden);
      expect(res.body.data.docs.length).toBeGreaterThan(0);
    });

    it('validates pagination and refuses stale credentials', async () => {
      expectError(
        await feed(undefined, { page: 0 }),
        400,
        'VALIDATION_ERROR',
        'page must be an integer greater than or equal to 1',
      );
      expectError(
        await feed(undefined, { limit: 101 }),
        400,
        'VALIDATION_ERROR',
        'limit must be an integer between 1 and 100',
      );
      expectError(
        await api(t).get('/api/v1/communitypost/feed').set('Authorization', 'Bearer stale'),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
    });

    it('issues the same number of round trips for 1 and 20 items: 3 beyond authentication', async () => {
      const crowd = await createVerifiedUsers(t, 5);
      for (let i = 0; i < 20; i++) {
        const id = await insertPost(t, crowd[i % 5].id, {
          createdAt: new Date(Date.UTC(2034, 0, 1, 0, 0, i)),
        });
        if (i % 2 === 0) await toggleLike(t, fan, 'communityPost', id).expect(200);
      }
      const one = await commandsOf(t, () => feed(fan, { limit: 1 }));
      const twenty = await commandsOf(t, () => feed(fan, { limit: 20 }));
      expect(one.res.body.data.docs).toHaveLength(1);
      expect(twenty.res.body.data.docs).toHaveLength(20);
      expect(twenty.names).toEqual(one.names);
      // The feed = auth 2 + page with total, owners, the caller's likes among the page (the counts
      // are stored on the posts).
      expect(twenty.names.length - AUTH_ROUND_TRIPS).toBe(3);
      // Anonymous: nobody's likes to look up.
      expect((await commandsOf(t, () => feed(undefined, { limit: 20 }))).names).toEqual([
        'aggregate',
        'find',
      ]);
    });
  });

  describe('GET /communitypost/user/:userId', () => {
    it("lists one user's posts newest first, also with 25 posts sharing one createdAt", async () => {
      const poster = await createVerifiedUser(t);
      const at = new Date('2026-04-04T04:04:04.000Z');
      const inserted: string[] = [];
      for (let i = 0; i < 25; i++) inserted.push(await insertPost(t, poster.id, { createdAt: at }));
      await insertPost(t, other.id, { createdAt: at });

      const seen: string[] = [];
      for (const page of [1, 2, 3]) {
        const res = await byUser(poster.id, undefined, { page, limit: 10 });
        expectSuccess(res, 200, 'Community posts fetched successfully');
        expect(res.body.data).toMatchObject({
          totalDocs: 25,
          totalPages: 3,
          hasNextPage: page < 3,
          nextPage: page < 3 ? page + 1 : null,
          prevPage: page > 1 ? page - 1 : null,
        });
        for (const doc of res.body.data.docs) {
          expectPostShape(doc);
          expect(doc.owner).toMatchObject({ _id: poster.id, username: poster.username });
        }
        seen.push(...ids(res.body.data.docs));
      }
      expect(seen).toEqual([...inserted].sort().reverse());
      const past = await byUser(poster.id, undefined, { page: 4, limit: 10 }).expect(200);
      expect(past.body.data).toMatchObject({ docs: [], totalDocs: 25, totalPages: 3 });
    });

    it('answers an empty page for a user without posts', async () => {
      const quiet = await createVerifiedUser(t);
      const res = await byUser(quiet.id).expect(200);
      expect(res.body.data).toMatchObject({
        docs: [],
        totalDocs: 0,
        totalPages: 1,
        page: 1,
        limit: 10,
      });
    });

    it('answers 404 User not found for a missing or pending user, 400 for a malformed id', async () => {
      expectError(await byUser(MISSING_ID), 404, 'NOT_FOUND', 'User not found');
      const pending = await createPendingUser(t);
      await insertPost(t, pending.id);
      expectError(await byUser(pending.id, fan), 404, 'NOT_FOUND', 'User not found');
      expectError(await byUser('nope'), 400, 'INVALID_ID', 'Invalid ID');
    });

    it('issues the same number of round trips for 1 and 20 items: 3 beyond authentication', async () => {
      const poster = await createVerifiedUser(t);
      for (let i = 0; i < 20; i++) {
        const id = await insertPost(t, poster.id);
        if (i % 2 === 0) await toggleLike(t, fan, 'communityPost', id).expect(200);
      }
      const one = await commandsOf(t, () => byUser(poster.id, fan, { limit: 1 }));
      const twenty = await commandsOf(t, () => byUser(poster.id, fan, { limit: 20 }));
      expect(one.res.body.data.docs).toHaveLength(1);
      expect(twenty.res.body.data.docs).toHaveLength(20);
      expect(twenty.names).toEqual(one.names);
      // A user's posts = auth 2 + user (doubles as every post's owner), page with total, like
      // figures.
      expect(twenty.names.length - AUTH_ROUND_TRIPS).toBe(3);
    });
  });

  describe('PATCH /communitypost/:postId', () => {
    it('lets the owner edit: trimmed content, updatedAt moves, figures kept', async () => {
      const post = await createPost(t, owner, 'draft');
      await toggleLike(t, fan, 'communityPost', post._id).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const res = await edit(owner, post._id, { content: '  final  ' });
      expectSuccess(res, 200, 'Post updated successfully');
      expectPostShape(res.body.data);
      expect(res.body.data).toMatchObject({
        _id: post._id,
        content: 'final',
        owner: { _id: owner.id, username: owner.username },
        likesCount: 1,
        isLiked: false,
        createdAt: post.createdAt,
      });
      expect(Date.parse(res.body.data.updatedAt)).toBeGreaterThan(Date.parse(post.updatedAt));
    });

    it('applies the content rule on edit too', async () => {
      const post = await createPost(t, owner);
      expectError(
        await edit(owner, post._id, { content: '   ' }),
        400,
        'VALIDATION_ERROR',
        'Content is required',
      );
      expectError(await edit(owner, post._id, {}), 400, 'VALIDATION_ERROR', 'Content is required');
      expectError(
        await edit(owner, post._id, { content: 'b'.repeat(5001) }),
        400,
        'VALIDATION_ERROR',
        'Content must be at most 5000 characters',
      );
      expectError(await edit(owner, 'x', { content: 'ok' }), 400, 'INVALID_ID', 'Invalid ID');
    });

    it('answers 404 for a missing post, 403 to others, 401 without credentials', async () => {
      const post = await createPost(t, owner, 'untouched');
      expectError(
        await edit(owner, MISSING_ID, { content: 'x' }),
        404,
        'NOT_FOUND',
        'Post not found',
      );
      expectError(
        await edit(other, post._id, { content: 'x' }),
        403,
        'FORBIDDEN',
        'You can only edit your own posts',
      );
      expectError(
        await api(t).patch(`/api/v1/communitypost/${post._id}`).send({ content: 'x' }),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
      const pending = await createPendingUser(t);
      const hidden = await insertPost(t, pending.id);
      expectError(await edit(other, hidden, { content: 'x' }), 404, 'NOT_FOUND', 'Post not found');
    });

    it('answers 404, never data: null, when the post is deleted during the edit', async () => {
      const post = await createPost(t, owner);
      const posts = t.app.get(CommunityPostsRepository);
      const update = posts.updateOwned.bind(posts);
      jest.spyOn(posts, 'updateOwned').mockImplementationOnce(async (...args) => {
        await posts.deleteOwned(post._id, owner.id);
        return update(...args);
      });
      expectError(
        await edit(owner, post._id, { content: 'late' }),
        404,
        'NOT_FOUND',
        'Post not found',
      );
    });
  });

  describe('DELETE /communitypost/:postId', () => {
    it('deletes the post, then its likes, its comments and the likes on those comments', async () => {
      const post = await createPost(t, owner);
      const keep = await createPost(t, owner);
      await toggleLike(t, fan, 'communityPost', post._id).expect(200);
      await toggleLike(t, other, 'communityPost', keep._id).expect(200);
      const c1 = await addComment(t, fan, { communityPost: post._id });
      const c2 = await addComment(t, other, { communityPost: post._id });
      await toggleLike(t, other, 'comment', c1._id).expect(200);
      await toggleLike(t, owner, 'comment', c2._id).expect(200);

      const res = await remove(owner, post._id);
      expectSuccess(res, 200, 'Post deleted successfully');
      expect(res.body.data).toBeNull();
      expect(await postExists(t, post._id)).toBe(false);
      expect(await countLikes(t, 'communityPost', post._id)).toBe(0);
      expect(await countComments(t, { communityPost: post._id })).toBe(0);
      expect(await countLikes(t, 'comment', c1._id)).toBe(0);
      expect(await countLikes(t, 'comment', c2._id)).toBe(0);
      // Other posts keep theirs.
      expect(await countLikes(t, 'communityPost', keep._id)).toBe(1);
      expectError(await remove(owner, post._id), 404, 'NOT_FOUND', 'Post not found');
    });

    it('answers 403 to others, 404 for a missing post, 401 without credentials', async () => {
      const post = await createPost(t, owner);
      expectError(
        await remove(other, post._id),
        403,
        'FORBIDDEN',
        'You can only delete your own posts',
      );
      expect(await postExists(t, post._id)).toBe(true);
      expectError(await remove(owner, MISSING_ID), 404, 'NOT_FOUND', 'Post not found');
      expectError(await remove(owner, 'bad'), 400, 'INVALID_ID', 'Invalid ID');
      expectError(
        await api(t).delete(`/api/v1/communitypost/${post._id}`),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
    });

    it('a failed clean-up is logged with the ids, leaves the response alone, and nothing of the post shows', async () => {
      const post = await createPost(t, owner);
      const comment = await addComment(t, fan, { communityPost: post._id });
      await toggleLike(t, other, 'comment', comment._id).expect(200);
      jest
        .spyOn(t.app.get(CommentsRepository), 'deleteByIds')
        .mockRejectedValueOnce(new Error('simulated outage'));
      const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

      expectSuccess(await remove(owner, post._id), 200, 'Post deleted successfully');
      expect(errors.mock.calls.some(([message]) => String(message).includes(post._id))).toBe(true);
      jest.restoreAllMocks();

      expect(await commentExists(t, comment._id)).toBe(true);
      expectError(
        await api(t).get(`/api/v1/comment/post-comments/${post._id}`),
        404,
        'NOT_FOUND',
        'Community post not found',
      );
      expectError(
        await toggleLike(t, other, 'comment', comment._id),
        404,
        'NOT_FOUND',
        'Comment not found',
      );
      const listed = await byUser(owner.id, undefined, { limit: 100 }).expect(200);
      expect(ids(listed.body.data.docs)).not.toContain(post._id);
    });
  });

  it('has no single-post GET: GET /communitypost/:postId is 405, the path serving PATCH and DELETE only', async () => {
    // A known path with a method it does not serve (docs/api.md#paths; was 404 Route not found).
    const post = await createPost(t, owner);
    const res = await api(t).get(`/api/v1/communitypost/${post._id}`);
    expectError(res, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
    expect(res.headers.allow).toBe('PATCH, DELETE, OPTIONS');
    expect(Types.ObjectId.isValid(post._id)).toBe(true);
  });
});
