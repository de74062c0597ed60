import { Logger } from '@nestjs/common';
import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { CommentsRepository } from 'src/modules/comments/comments.repository';
import { LikesRepository } from 'src/modules/likes/likes.repository';
import { Comment } from 'src/modules/comments/schemas/comment.schema';
import { Video } from 'src/modules/videos/schemas/video.schema';
import {
  addComment,
  commentExists,
  countComments,
  insertComment,
} from 'test/factories/comments.factory';
import { countLikes, toggleLike } from 'test/factories/likes.factory';
import { createPost, insertPost } from 'test/factories/posts.factory';
import {
  createPendingUser,
  createVerifiedUser,
  createVerifiedUsers,
  type TestUser,
} from 'test/factories/users.factory';
import { insertVideo, uploadVideo } from 'test/factories/videos.factory';
import {
  api,
  AUTH_ROUND_TRIPS,
  commandsOf,
  ENGAGEMENT_ENV,
  expectCommentShape,
  expectError,
  expectSuccess,
  idsOf,
  MISSING_ID,
  CURSOR_PAGINATION_KEYS,
} from 'test/likes/engagement-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * Comments: the `/comment` routes, visibility through the parent, pagination, the delete cascades.
 */
describe('comments', () => {
  let t: TestApp;
  let creator: TestUser;
  let author: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    t = await createTestApp(ENGAGEMENT_ENV);
    [creator, author, other] = await createVerifiedUsers(t, 3);
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const videoComments = (
    videoId: string,
    user?: TestUser,
    query: Record<string, string | number> = {},
  ) => {
    const req = api(t).get(`/api/v1/comment/video-comments/${videoId}`).query(query);
    return user ? req.set('Authorization', user.authHeader) : req;
  };
  const postComments = (
    postId: string,
    user?: TestUser,
    query: Record<string, string | number> = {},
  ) => {
    const req = api(t).get(`/api/v1/comment/post-comments/${postId}`).query(query);
    return user ? req.set('Authorization', user.authHeader) : req;
  };
  const comment = (user: TestUser, parentPath: string, body: unknown) =>
    api(t)
      .post(`/api/v1/comment/${parentPath}`)
      .set('Authorization', user.authHeader)
      .send(body as object);
  const edit = (user: TestUser, commentId: string, body: unknown) =>
    api(t)
      .patch(`/api/v1/comment/${commentId}`)
      .set('Authorization', user.authHeader)
      .send(body as object);
  const remove = (user: TestUser, commentId: string) =>
    api(t).delete(`/api/v1/comment/${commentId}`).set('Authorization', user.authHeader);
  const deleteVideoDocument = (videoId: string) =>
    t.app
      .get<Model<Video>>(getModelToken(Video.name))
      .collection.deleteOne({ _id: new Types.ObjectId(videoId) });

  describe('POST /comment/video-comments/:videoId', () => {
    it('adds a trimmed comment and answers the Comment shape with `video` only', async () => {
      const videoId = await insertVideo(t, creator.id);
      const res = await comment(author, `video-comments/${videoId}`, {
        content: '  Clean spins!  ',
      });
      expectSuccess(res, 201, 'Comment added successfully');
      expectCommentShape(res.body.data, 'video');
      expect(res.body.data).toMatchObject({
        content: 'Clean spins!',
        video: videoId,
        owner: { _id: author.id, username: author.username, name: author.name },
        likesCount: 0,
        isLiked: false,
      });
      expect(res.body.data).not.toHaveProperty('communityPost');
      expect(await countComments(t, { video: videoId })).toBe(1);
    });

    it('validates content with the documented messages, and the id', async () => {
      const videoId = await insertVideo(t, creator.id);
      const path = `video-comments/${videoId}`;
      expectError(
        await comment(author, path, {}),
        400,
        'VALIDATION_ERROR',
        'Comment Content is required',
      );
      expectError(
        await comment(author, path, { content: '   ' }),
        400,
        'VALIDATION_ERROR',
        'Comment Content is required',
      );
      expectError(
        await comment(author, path, { content: 'x'.repeat(1001) }),
        400,
        'VALIDATION_ERROR',
        'Comment must be at most 1000 characters',
      );
      expectError(
        await comment(author, path, { content: 42 }),
        400,
        'VALIDATION_ERROR',
        'content must be a string',
      );
      expectError(
        await comment(author, path, { content: 'ok', parent: 'x' }),
        400,
        'VALIDATION_ERROR',
        'parent is not allowed',
      );
      await comment(author, path, { content: 'x'.repeat(1000) }).expect(201);
      const badId = await comment(author, 'video-comments/nope', { content: 'fine' });
      expectError(badId, 400, 'INVALID_ID', 'Invalid ID');
      expect(badId.body.errors).toEqual([
        { field: 'videoId', location: 'params', message: 'Invalid ID' },
      ]);
      expect(await countComments(t, { video: videoId })).toBe(1);
    });

    it('answers 404 for a missing video and for an unpublished one to anyone but its owner', async () => {
      expectError(
        await comment(author, `video-comments/${MISSING_ID}`, { content: 'hi' }),
        404,
        'NOT_FOUND',
        'Video not found',
      );
      const hidden = await insertVideo(t, creator.id, { isPublished: false });
      expectError(
        await comment(author, `video-comments/${hidden}`, { content: 'hi' }),
        404,
        'NOT_FOUND',
        'Video not found',
      );
      expectError(
        await api(t).post(`/api/v1/comment/video-comments/${hidden}`).send({ content: 'hi' }),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
      expect(await countComments(t, { video: hidden })).toBe(0);
      await comment(creator, `video-comments/${hidden}`, { content: 'note to self' }).expect(201);
    });

    it('removes the comment and answers 404 when the video vanished while it was being added', async () => {
      const videoId = await insertVideo(t, creator.id);
      const comments = t.app.get(CommentsRepository);
      const create = comments.create.bind(comments);
      jest.spyOn(comments, 'create').mockImplementationOnce(async (...args) => {
        await deleteVideoDocument(videoId);
        return create(...args);
      });
      const res = await comment(author, `video-comments/${videoId}`, { content: 'too late' });
      expectError(res, 404, 'NOT_FOUND', 'Video not found');
      expect(await countComments(t, { video: videoId })).toBe(0);
    });
  });

  describe('GET /comment/video-comments/:videoId', () => {
    it('lists newest first by default, oldest first with sortOrder=asc, with per-caller like figures', async () => {
      const videoId = await insertVideo(t, creator.id);
      const older = await insertComment(
        t,
        author.id,
        { video: videoId },
        { createdAt: new Date('2026-01-01T00:00:00.000Z') },
      );
      const newer = await insertComment(
        t,
        other.id,
        { video: videoId },
        { createdAt: new Date('2026-01-02T00:00:00.000Z') },
      );
      await toggleLike(t, other, 'comment', older).expect(200);

      const res = await videoComments(videoId, other);
      expectSuccess(res, 200, 'Video comments fetched successfully');
      expect(Object.keys(res.body.data)).toEqual(CURSOR_PAGINATION_KEYS);
      expect(idsOf(res.body.data.docs)).toEqual([newer, older]);
      for (const doc of res.body.data.docs) expectCommentShape(doc, 'video');
      expect(res.body.data.docs[1]).toMatchObject({
        likesCount: 1,
        isLiked: true,
        owner: { _id: author.id, username: author.username },
      });

      const asc = await videoComments(videoId, undefined, { sortOrder: 'asc' }).expect(200);
      expect(idsOf(asc.body.data.docs)).toEqual([older, newer]);
      expect(asc.body.data.docs[0]).toMatchObject({ likesCount: 1, isLiked: false });
    });

    it('answers 404 for a missing video and for an unpublished one to others and anonymous callers', async () => {
      expectError(await videoComments(MISSING_ID), 404, 'NOT_FOUND', 'Video not found');
      const hidden = await insertVideo(t, creator.id, { isPublished: false });
      await insertComment(t, creator.id, { video: hidden });
      expectError(await videoComments(hidden), 404, 'NOT_FOUND', 'Video not found');
      expectError(await videoComments(hidden, other), 404, 'NOT_FOUND', 'Video not found');
      const own = await videoComments(hidden, creator).expect(200);
      expect(own.body.data.totalDocs).toBe(1);
    });

    it('validates the id, sortOrder and pagination, and refuses stale credentials', async () => {
      const videoId = await insertVideo(t, creator.id);
      expectError(await videoComments('123'), 400, 'INVALID_ID', 'Invalid ID');
      expectError(
        await videoComments(videoId, undefined, { sortOrder: 'newest' }),
        400,
        'VALIDATION_ERROR',
        'sortOrder must be one of asc, desc',
      );
      for (const limit of ['0', '101', '-1', 'abc']) {
        expectError(
          await videoComments(videoId, undefined, { limit }),
          400,
          'VALIDATION_ERROR',
          'limit must be an integer between 1 and 100',
        );
      }
      expectError(
        await api(t).get(`/api/v1/comment/video-comments/${videoId}?page=1&page=2`),
        400,
        'VALIDATION_ERROR',
        'page must be a single value',
      );
      expectError(
        await api(t)
          .get(`/api/v1/comment/video-comments/${videoId}`)
          .set('Authorization', 'Bearer stale'),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
    });

    it('25 comments sharing one createdAt come back exactly once over pages of 10, both directions', async () => {
      const videoId = await insertVideo(t, creator.id);
      const at = new Date('2026-02-02T02:02:02.000Z');
      const ids: string[] = [];
      for (let i = 0; i < 25; i++)
        ids.push(await insertComment(t, author.id, { video: videoId }, { createdAt: at }));

      for (const sortOrder of ['desc', 'asc'] as const) {
        const seen: string[] = [];
        for (const page of [1, 2, 3]) {
          const res = await videoComments(videoId, undefined, {
            page,
            limit: 10,
            sortOrder,
          }).expect(200);
          const data = res.body.data;
          expect(data).toMatchObject({
            totalDocs: 25,
            limit: 10,
            page,
            totalPages: 3,
            pagingCounter: (page - 1) * 10 + 1,
            hasPrevPage: page > 1,
            hasNextPage: page < 3,
            prevPage: page > 1 ? page - 1 : null,
            nextPage: page < 3 ? page + 1 : null,
          });
          expect(data.docs).toHaveLength(page < 3 ? 10 : 5);
          seen.push(...idsOf(data.docs));
        }
        // Same createdAt: `_id` decides, in the sort's direction.
        const expected = [...ids].sort();
        expect(seen).toEqual(sortOrder === 'asc' ? expected : expected.reverse());
      }
      const past = await videoComments(videoId, undefined, { page: 4, limit: 10 }).expect(200);
      expect(past.body.data).toMatchObject({
        docs: [],
        totalDocs: 25,
        totalPages: 3,
        hasNextPage: false,
        nextPage: null,
      });
    });

    it('issues the same number of round trips for 1 and 20 items: at most 4 beyond authentication', async () => {
      const videoId = await insertVideo(t, creator.id);
      const crowd = await createVerifiedUsers(t, 4);
      for (let i = 0; i < 20; i++) {
        const id = await insertComment(t, crowd[i % 4].id, { video: videoId });
        if (i % 3 === 0) await toggleLike(t, other, 'comment', id).expect(200);
      }
      const one = await commandsOf(t, () => videoComments(videoId, other, { limit: 1 }));
      const twenty = await commandsOf(t, () => videoComments(videoId, other, { limit: 20 }));
      expect(one.res.body.data.docs).toHaveLength(1);
      expect(twenty.res.body.data.docs).toHaveLength(20);
      expect(twenty.names).toEqual(one.names);
      // A video's comments = auth 2 + video, page with total, authors, the caller's likes among the
      // page (the counts are stored on the comments).
      expect(twenty.names.length - AUTH_ROUND_TRIPS).toBe(4);
      // Anonymous: nobody's likes to look up.
      const anonymous = await commandsOf(t, () => videoComments(videoId, undefined, { limit: 20 }));
      expect(anonymous.names).toEqual(['find', 'aggregate', 'find']);
    });
  });

  describe('GET and POST /comment/post-comments/:postId', () => {
    it('POST adds a comment with `communityPost` only; GET lists oldest first by default', async () => {
      const post = await createPost(t, creator);
      const first = await comment(author, `post-comments/${post._id}`, { content: ' first ' });
      expectSuccess(first, 201, 'Comment added successfully');
      expectCommentShape(first.body.data, 'communityPost');
      expect(first.body.data).toMatchObject({
        content: 'first',
        communityPost: post._id,
        likesCount: 0,
        isLiked: false,
      });
      expect(first.body.data).not.toHaveProperty('video');
      const second = await addComment(t, other, { communityPost: post._id }, 'second');

      const res = await postComments(post._id);
      expectSuccess(res, 200, 'Post comments fetched successfully');
      expect(Object.keys(res.body.data)).toEqual(CURSOR_PAGINATION_KEYS);
      expect(idsOf(res.body.data.docs)).toEqual([first.body.data._id, second._id]);
      for (const doc of res.body.data.docs) expectCommentShape(doc, 'communityPost');
      const desc = await postComments(post._id, undefined, { sortOrder: 'desc' }).expect(200);
      expect(idsOf(desc.body.data.docs)).toEqual([second._id, first.body.data._id]);
    });

    it('answers 404 Community post not found for a missing post or one whose owner is pending', async () => {
      expectError(await postComments(MISSING_ID), 404, 'NOT_FOUND', 'Community post not found');
      expectError(
        await comment(author, `post-comments/${MISSING_ID}`, { content: 'hi' }),
        404,
        'NOT_FOUND',
        'Community post not found',
      );
      const pending = await createPendingUser(t);
      const hidden = await insertPost(t, pending.id);
      await insertComment(t, author.id, { communityPost: hidden });
      expectError(await postComments(hidden, author), 404, 'NOT_FOUND', 'Community post not found');
      expectError(
        await comment(author, `post-comments/${hidden}`, { content: 'hi' }),
        404,
        'NOT_FOUND',
        'Community post not found',
      );
      expect(await countComments(t, { communityPost: hidden })).toBe(1);
    });

    it('POST validates content and requires a signed-in caller; GET validates its query', async () => {
      const post = await createPost(t, creator);
      expectError(
        await comment(author, `post-comments/${post._id}`, { content: '' }),
        400,
        'VALIDATION_ERROR',
        'Comment Content is required',
      );
      expectError(
        await api(t).post(`/api/v1/comment/post-comments/${post._id}`).send({ content: 'hi' }),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
      expectError(await postComments('zz'), 400, 'INVALID_ID', 'Invalid ID');
      expectError(
        await postComments(post._id, undefined, { sortOrder: 'up' }),
        400,
        'VALIDATION_ERROR',
        'sortOrder must be one of asc, desc',
      );
      expect(await countComments(t, { communityPost: post._id })).toBe(0);
    });

    it('issues the same number of round trips for 1 and 20 items: at most 4 beyond authentication', async () => {
      const post = await createPost(t, creator);
      const crowd = await createVerifiedUsers(t, 4);
      for (let i = 0; i < 20; i++) {
        const id = await insertComment(t, crowd[i % 4].id, { communityPost: post._id });
        if (i % 2 === 0) await toggleLike(t, other, 'comment', id).expect(200);
      }
      const one = await commandsOf(t, () => postComments(post._id, other, { limit: 1 }));
      const twenty = await commandsOf(t, () => postComments(post._id, other, { limit: 20 }));
      expect(one.res.body.data.docs).toHaveLength(1);
      expect(twenty.res.body.data.docs).toHaveLength(20);
      expect(twenty.names).toEqual(one.names);
      // A post's comments = auth 2 + post, page with total, authors together with the post's owner,
      // like figures.
      expect(twenty.names.length - AUTH_ROUND_TRIPS).toBe(4);
    });
  });

  describe('PATCH /comment/:commentId', () => {
    it('lets the author edit: content trimmed, updatedAt moves, figures kept', async () => {
      const videoId = await insertVideo(t, creator.id);
      const created = await addComment(t, author, { video: videoId }, 'first take');
      await toggleLike(t, other, 'comment', created._id).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 5));

      const res = await edit(author, created._id, { content: '  second take ' });
      expectSuccess(res, 200, 'Comment updated successfully');
      expectCommentShape(res.body.data, 'video');
      expect(res.body.data).toMatchObject({
        _id: created._id,
        content: 'second take',
        video: videoId,
        owner: { _id: author.id, username: author.username, name: author.name },
        likesCount: 1,
        isLiked: false,
        createdAt: created.createdAt,
      });
      expect(Date.parse(res.body.data.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
      const listed = await videoComments(videoId).expect(200);
      expect(listed.body.data.docs[0].content).toBe('second take');
    });

    it("answers 403 to anyone but the author, the video's creator included", async () => {
      const videoId = await insertVideo(t, creator.id);
      const created = await addComment(t, author, { video: videoId }, 'mine');
      for (const user of [other, creator]) {
        expectError(
          await edit(user, created._id, { content: 'hijack' }),
          403,
          'FORBIDDEN',
          'You are not authorized to edit this comment',
        );
      }
      expect((await videoComments(videoId).expect(200)).body.data.docs[0].content).toBe('mine');
    });

    it('answers 404 for a missing comment, and for a comment of a hidden video before any 403', async () => {
      expectError(
        await edit(author, MISSING_ID, { content: 'x' }),
        404,
        'NOT_FOUND',
        'Comment not found',
      );
      const hidden = await insertVideo(t, creator.id, { isPublished: false });
      const onHidden = await insertComment(t, author.id, { video: hidden });
      // Even its author cannot reach it while the video is hidden from them.
      expectError(
        await edit(author, onHidden, { content: 'x' }),
        404,
        'NOT_FOUND',
        'Comment not found',
      );
      expectError(
        await edit(other, onHidden, { content: 'x' }),
        404,
        'NOT_FOUND',
        'Comment not found',
      );
      const ownVideoComment = await insertComment(t, creator.id, { video: hidden });
      await edit(creator, ownVideoComment, { content: 'fine' }).expect(200);
      const orphan = await insertComment(t, author.id, { video: MISSING_ID });
      expectError(
        await edit(author, orphan, { content: 'x' }),
        404,
        'NOT_FOUND',
        'Comment not found',
      );
    });

    it('validates the id and the content, and requires a signed-in caller', async () => {
      const videoId = await insertVideo(t, creator.id);
      const created = await addComment(t, author, { video: videoId });
      expectError(await edit(author, 'bad', { content: 'x' }), 400, 'INVALID_ID', 'Invalid ID');
      expectError(
        await edit(author, created._id, { content: ' \n ' }),
        400,
        'VALIDATION_ERROR',
        'Comment Content is required',
      );
      expectError(
        await edit(author, created._id, { content: 'y'.repeat(1001) }),
        400,
        'VALIDATION_ERROR',
        'Comment must be at most 1000 characters',
      );
      expectError(
        await api(t).patch(`/api/v1/comment/${created._id}`).send({ content: 'x' }),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
    });
  });

  describe('DELETE /comment/:commentId', () => {
    it('lets the author delete; the comment and its likes are gone', async () => {
      const videoId = await insertVideo(t, creator.id);
      const created = await addComment(t, author, { video: videoId });
      await toggleLike(t, other, 'comment', created._id).expect(200);
      await toggleLike(t, creator, 'comment', created._id).expect(200);

      const res = await remove(author, created._id);
      expectSuccess(res, 200, 'Comment deleted successfully');
      expect(res.body.data).toBeNull();
      expect(await commentExists(t, created._id)).toBe(false);
      expect(await countLikes(t, 'comment', created._id)).toBe(0);
      expectError(await remove(author, created._id), 404, 'NOT_FOUND', 'Comment not found');
    });

    it("lets the owner of the parent video or post delete someone else's comment", async () => {
      const videoId = await insertVideo(t, creator.id);
      const onVideo = await addComment(t, author, { video: videoId });
      expectSuccess(await remove(creator, onVideo._id), 200, 'Comment deleted successfully');
      const post = await createPost(t, creator);
      const onPost = await addComment(t, author, { communityPost: post._id });
      expectSuccess(await remove(creator, onPost._id), 200, 'Comment deleted successfully');
      expect(await countComments(t, { communityPost: post._id })).toBe(0);
    });

    it('answers 403 to anyone else and 404 for missing comments or hidden parents (404 before 403)', async () => {
      const videoId = await insertVideo(t, creator.id);
      const created = await addComment(t, author, { video: videoId });
      expectError(
        await remove(other, created._id),
        403,
        'FORBIDDEN',
        'You are not authorized to delete this comment',
      );
      expect(await commentExists(t, created._id)).toBe(true);

      expectError(await remove(author, MISSING_ID), 404, 'NOT_FOUND', 'Comment not found');
      const hidden = await insertVideo(t, creator.id, { isPublished: false });
      const onHidden = await insertComment(t, author.id, { video: hidden });
      expectError(await remove(other, onHidden), 404, 'NOT_FOUND', 'Comment not found');
      expectError(await remove(author, onHidden), 404, 'NOT_FOUND', 'Comment not found');
      expect(await commentExists(t, onHidden)).toBe(true);
      expectError(await remove(author, 'bad-id'), 400, 'INVALID_ID', 'Invalid ID');
      expectError(
        await api(t).delete(`/api/v1/comment/${created._id}`),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
    });

    it('a failed like clean-up is logged with the id and leaves the response alone', async () => {
      const videoId = await insertVideo(t, creator.id);
      const created = await addComment(t, author, { video: videoId });
      await toggleLike(t, other, 'comment', created._id).expect(200);
      jest
        .spyOn(t.app.get(LikesRepository), 'deleteForTargets')
        .mockRejectedValueOnce(new Error('simulated outage'));
      const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

      expectSuccess(await remove(author, created._id), 200, 'Comment deleted successfully');
      expect(errors.mock.calls.some(([message]) => String(message).includes(created._id))).toBe(
        true,
      );
      // The orphan like stays stored but can never be shown: reads go through the comment.
      expect(await countLikes(t, 'comment', created._id)).toBe(1);
      expectError(
        await toggleLike(t, other, 'comment', created._id),
        404,
        'NOT_FOUND',
        'Comment not found',
      );
    });
  });

  describe('deleting a video removes its comments and their likes', () => {
    it('DELETE /video/:videoId removes every comment of the video and the likes on them', async () => {
      const video = await uploadVideo(t, creator, { isPublished: true });
      const c1 = await addComment(t, author, { video: video._id });
      const c2 = await addComment(t, other, { video: video._id });
      await toggleLike(t, other, 'comment', c1._id).expect(200);
      await toggleLike(t, author, 'comment', c2._id).expect(200);
      const keeper = await insertVideo(t, creator.id);
      const kept = await addComment(t, author, { video: keeper });
      await toggleLike(t, other, 'comment', kept._id).expect(200);

      await api(t)
        .delete(`/api/v1/video/${video._id}`)
        .set('Authorization', creator.authHeader)
        .expect(200);
      expect(await countComments(t, { video: video._id })).toBe(0);
      expect(await countLikes(t, 'comment', c1._id)).toBe(0);
      expect(await countLikes(t, 'comment', c2._id)).toBe(0);
      // Nothing else was touched.
      expect(await countComments(t, { video: keeper })).toBe(1);
      expect(await countLikes(t, 'comment', kept._id)).toBe(1);
    });

    it('removes more comments than one batch', async () => {
      const video = await uploadVideo(t, creator, { isPublished: true });
      for (let i = 0; i < 520; i++) await insertComment(t, author.id, { video: video._id });
      await api(t)
        .delete(`/api/v1/video/${video._id}`)
        .set('Authorization', creator.authHeader)
        .expect(200);
      expect(await countComments(t, { video: video._id })).toBe(0);
    });

    it('a failed comment clean-up is logged; the comments stay unreachable through every endpoint', async () => {
      const video = await uploadVideo(t, creator, { isPublished: true });
      const left = await addComment(t, author, { video: video._id });
      await toggleLike(t, other, 'comment', left._id).expect(200);
      jest
        .spyOn(t.app.get(CommentsRepository), 'deleteByIds')
        .mockRejectedValueOnce(new Error('simulated outage'));
      const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

      const res = await api(t)
        .delete(`/api/v1/video/${video._id}`)
        .set('Authorization', creator.authHeader);
      expectSuccess(res, 200, 'Video deleted successfully');
      expect(errors.mock.calls.some(([message]) => String(message).includes(video._id))).toBe(true);
      jest.restoreAllMocks();

      expect(await commentExists(t, left._id)).toBe(true);
      expectError(await videoComments(video._id, creator), 404, 'NOT_FOUND', 'Video not found');
      expectError(
        await toggleLike(t, other, 'comment', left._id),
        404,
        'NOT_FOUND',
        'Comment not found',
      );
      expectError(
        await edit(author, left._id, { content: 'x' }),
        404,
        'NOT_FOUND',
        'Comment not found',
      );
      expectError(await remove(creator, left._id), 404, 'NOT_FOUND', 'Comment not found');
    });
  });

  it('the model refuses a comment with both parents or with none', async () => {
    const comments = t.app.get<Model<Comment>>(getModelToken(Comment.name));
    const owner = new Types.ObjectId(author.id);
    await expect(
      comments.create({
        content: 'both',
        owner,
        video: new Types.ObjectId(),
        communityPost: new Types.ObjectId(),
      }),
    ).rejects.toThrow('exactly one video or community post');
    await expect(comments.create({ content: 'none', owner })).rejects.toThrow(
      'exactly one video or community post',
    );
    await expect(
      comments.create({ content: 'one', owner, video: new Types.ObjectId() }),
    ).resolves.toBeDefined();
  });

  it('keeps a fresh user able to comment right after sign-up (OwnerLite resolved for the response)', async () => {
    const newcomer = await createVerifiedUser(t);
    const videoId = await insertVideo(t, creator.id);
    const res = await comment(newcomer, `video-comments/${videoId}`, { content: 'hello' }).expect(
      201,
    );
    expect(res.body.data.owner).toEqual({
      _id: newcomer.id,
      username: newcomer.username,
      name: newcomer.name,
      profileImage: expect.any(String),
    });
  });
});
