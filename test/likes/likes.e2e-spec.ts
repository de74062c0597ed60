import { Logger } from '@nestjs/common';
import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import type { Response } from 'supertest';
import { LikesRepository } from 'src/modules/likes/likes.repository';
import { Video } from 'src/modules/videos/schemas/video.schema';
import { addComment, insertComment } from 'test/factories/comments.factory';
import { countLikes, insertLike, toggleLike } from 'test/factories/likes.factory';
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
  expectError,
  expectSuccess,
  idsOf,
  ISO_DATE,
  MISSING_ID,
  VIDEO_CARD_KEYS,
} from 'test/likes/engagement-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';

interface ToggleData {
  isLiked: boolean;
  likesCount: number;
}

/**
 * Likes: the three toggles and the liked videos; counters equal the likes, one like per user,
 * toggles report the stored state, invisible targets are 404.
 */
describe('likes', () => {
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

  /**
   * Every user keeps toggling until the target answers 404, while its owner deletes it: the
   * deletion starts once every user has had a first answer, so toggles land before (200), during
   * and after (404) the deletion and its cascade whatever the machine's load. Returns the statuses
   * seen.
   */
  const raceDeletion = async (
    crowd: TestUser[],
    toggle: (user: TestUser) => Promise<Response>,
    remove: () => Promise<Response>,
  ): Promise<number[]> => {
    const statuses: number[] = [];
    let answered = 0;
    let everyoneStarted!: () => void;
    const started = new Promise<void>((resolve) => (everyoneStarted = resolve));
    const togglers = crowd.map(async (user) => {
      for (let i = 0; i < 500; i++) {
        const res = await toggle(user);
        statuses.push(res.status);
        if (i === 0 && ++answered === crowd.length) everyoneStarted();
        if (res.status !== 200) return;
      }
    });
    const [deletion] = await Promise.all([started.then(remove), ...togglers]);
    expect(deletion.status).toBe(200);
    expect(new Set(statuses)).toEqual(new Set([200, 404]));
    return statuses;
  };

  const videoDetail = (videoId: string, user?: TestUser) => {
    const req = api(t).get(`/api/v1/video/${videoId}`);
    return user ? req.set('Authorization', user.authHeader) : req;
  };
  const deleteVideoDocument = (videoId: string) =>
    t.app
      .get<Model<Video>>(getModelToken(Video.name))
      .collection.deleteOne({ _id: new Types.ObjectId(videoId) });

  describe('POST /like/toggle-video-like/:videoId', () => {
    it('likes, then unlikes, answering the stored state and the recounted likesCount', async () => {
      const videoId = await insertVideo(t, owner.id);

      const liked = await toggleLike(t, fan, 'video', videoId);
      expectSuccess(liked, 200, 'Video liked successfully');
      expect(liked.body.data).toEqual({ isLiked: true, likesCount: 1 });
      expect(Object.keys(liked.body.data)).toEqual(['isLiked', 'likesCount']);
      expect(await countLikes(t, 'video', videoId, fan.id)).toBe(1);

      // A following read agrees, and the flag is the caller's own.
      expect((await videoDetail(videoId, fan).expect(200)).body.data).toMatchObject({
        likesCount: 1,
        isLiked: true,
      });
      expect((await videoDetail(videoId, other).expect(200)).body.data).toMatchObject({
        likesCount: 1,
        isLiked: false,
      });
      expect((await videoDetail(videoId).expect(200)).body.data).toMatchObject({
        likesCount: 1,
        isLiked: false,
      });

      const second = await toggleLike(t, other, 'video', videoId);
      expect(second.body.data).toEqual({ isLiked: true, likesCount: 2 });

      const unliked = await toggleLike(t, fan, 'video', videoId);
      expectSuccess(unliked, 200, 'Video unliked successfully');
      expect(unliked.body.data).toEqual({ isLiked: false, likesCount: 1 });
      expect(await countLikes(t, 'video', videoId, fan.id)).toBe(0);
      expect((await videoDetail(videoId, fan).expect(200)).body.data).toMatchObject({
        likesCount: 1,
        isLiked: false,
      });
    });

    it('shows true likesCount and isLiked on VideoCards of other lists (GET /video)', async () => {
      const videoId = await insertVideo(t, other.id, { title: 'card-figures-check' });
      await toggleLike(t, fan, 'video', videoId).expect(200);
      await toggleLike(t, owner, 'video', videoId).expect(200);
      const res = await api(t)
        .get('/api/v1/video')
        .query({ query: 'card-figures-check' })
        .set('Authorization', fan.authHeader)
        .expect(200);
      expect(res.body.data.docs).toHaveLength(1);
      expect(res.body.data.docs[0]).toMatchObject({ _id: videoId, likesCount: 2, isLiked: true });
    });

    it("allows liking one's own video, published or not", async () => {
      const hidden = await insertVideo(t, owner.id, { isPublished: false });
      const res = await toggleLike(t, owner, 'video', hidden);
      expectSuccess(res, 200, 'Video liked successfully');
      expect(res.body.data).toEqual({ isLiked: true, likesCount: 1 });
    });

    it('answers 404 for a missing video, and for an unpublished one to anyone but its owner', async () => {
      expectError(
        await toggleLike(t, fan, 'video', MISSING_ID),
        404,
        'NOT_FOUND',
        'Video not found',
      );
      const hidden = await insertVideo(t, owner.id, { isPublished: false });
      expectError(await toggleLike(t, fan, 'video', hidden), 404, 'NOT_FOUND', 'Video not found');
      expect(await countLikes(t, 'video', hidden)).toBe(0);
      // Anonymous callers are stopped earlier, by the required auth mode.
      expectError(
        await api(t).post(`/api/v1/like/toggle-video-like/${hidden}`),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
    });

    it('rejects a malformed id with 400 Invalid ID and a body property with 400', async () => {
      const bad = await api(t)
        .post('/api/v1/like/toggle-video-like/not-an-id')
        .set('Authorization', fan.authHeader);
      expectError(bad, 400, 'INVALID_ID', 'Invalid ID');
      expect(bad.body.errors).toEqual([
        { field: 'videoId', location: 'params', message: 'Invalid ID' },
      ]);

      const videoId = await insertVideo(t, owner.id);
      const withBody = await api(t)
        .post(`/api/v1/like/toggle-video-like/${videoId}`)
        .set('Authorization', fan.authHeader)
        .send({ isLiked: true });
      expectError(withBody, 400, 'VALIDATION_ERROR', 'isLiked is not allowed');
      expect(await countLikes(t, 'video', videoId)).toBe(0);
      // Bodyless with or without a content type, and an empty JSON object, are all accepted.
      await toggleLike(t, fan, 'video', videoId).expect(200);
      await api(t)
        .post(`/api/v1/like/toggle-video-like/${videoId}`)
        .set('Authorization', fan.authHeader)
        .send({})
        .expect(200);
    });

    it('answers 401 without credentials', async () => {
      const videoId = await insertVideo(t, owner.id);
      expectError(
        await api(t).post(`/api/v1/like/toggle-video-like/${videoId}`),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
    });
  });

  describe('toggle invariants', () => {
    it('20 sequential toggles leave the video unliked and 21 leave it liked (parity)', async () => {
      const videoId = await insertVideo(t, owner.id);
      let last: ToggleData | undefined;
      for (let i = 1; i <= 21; i++) {
        const res = await toggleLike(t, fan, 'video', videoId).expect(200);
        last = res.body.data as ToggleData;
        expect(last).toEqual({ isLiked: i % 2 === 1, likesCount: i % 2 });
        if (i === 20) expect(await countLikes(t, 'video', videoId)).toBe(0);
      }
      expect(last).toEqual({ isLiked: true, likesCount: 1 });
      expect(await countLikes(t, 'video', videoId)).toBe(1);
    });

    it('20 concurrent toggles by one user: never a duplicate, every answer names its own outcome, counts true once settled', async () => {
      const videoId = await insertVideo(t, owner.id);
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => toggleLike(t, fan, 'video', videoId)),
      );

      for (const res of responses) {
        expect(res.status).toBe(200);
        const data = res.body.data as ToggleData;
        // `likesCount` is the video's maintained counter read right after this call. Each like
        // stored or removed moves it once, but the like and the counter are two writes, so while
        // the same user's other toggles are still in flight the counter can include one of them:
        // an answer's count agrees with its `isLiked` only once the user's toggles have settled
        // (asserted below, and for sequential toggles above). See docs/api.md, "Counters".
        expect(Number.isInteger(data.likesCount)).toBe(true);
        expect(res.body.message).toBe(
          data.isLiked ? 'Video liked successfully' : 'Video unliked successfully',
        );
      }
      const stored = await countLikes(t, 'video', videoId, fan.id);
      expect(stored).toBeLessThanOrEqual(1); // at most one like per user
      // The counter everybody reads equals the documents.
      expect((await videoDetail(videoId, fan).expect(200)).body.data).toMatchObject({
        likesCount: stored,
        isLiked: stored === 1,
      });
      // The state is a real, consistent one: the next toggle flips exactly it.
      const next = await toggleLike(t, fan, 'video', videoId).expect(200);
      expect(next.body.data).toEqual({ isLiked: stored === 0, likesCount: stored === 0 ? 1 : 0 });
      expect(await countLikes(t, 'video', videoId)).toBe(stored === 0 ? 1 : 0);
    });

    it('concurrent toggles by many users: each one counts once, the last recount sees them all', async () => {
      const videoId = await insertVideo(t, owner.id);
      const crowd = await createVerifiedUsers(t, 15);

      const likes = await Promise.all(crowd.map((user) => toggleLike(t, user, 'video', videoId)));
      for (const res of likes) {
        expect(res.status).toBe(200);
        expect(res.body.data.isLiked).toBe(true);
        expect(res.body.data.likesCount).toBeGreaterThanOrEqual(1);
        expect(res.body.data.likesCount).toBeLessThanOrEqual(15);
      }
      expect(Math.max(...likes.map((res) => res.body.data.likesCount as number))).toBe(15);
      expect(await countLikes(t, 'video', videoId)).toBe(15);
      expect((await videoDetail(videoId).expect(200)).body.data.likesCount).toBe(15);

      const unlikes = await Promise.all(crowd.map((user) => toggleLike(t, user, 'video', videoId)));
      for (const res of unlikes) expect(res.body.data.isLiked).toBe(false);
      expect(Math.min(...unlikes.map((res) => res.body.data.likesCount as number))).toBe(0);
      expect(await countLikes(t, 'video', videoId)).toBe(0);
      expect((await videoDetail(videoId).expect(200)).body.data.likesCount).toBe(0);
    });

    it("toggles racing the video's deletion leave no like behind", async () => {
      const crowd = await createVerifiedUsers(t, 8);
      for (let round = 0; round < 4; round++) {
        const video = await uploadVideo(t, owner, { isPublished: true });
        await raceDeletion(
          crowd,
          (user) => toggleLike(t, user, 'video', video._id),
          () => api(t).delete(`/api/v1/video/${video._id}`).set('Authorization', owner.authHeader),
        );
        expect(await countLikes(t, 'video', video._id)).toBe(0);
      }
    });

    it('a like created just after the video vanished is removed again and answered 404', async () => {
      const videoId = await insertVideo(t, owner.id);
      const likes = t.app.get(LikesRepository);
      const insert = likes.insert.bind(likes);
      // The delete lands between the 404 check and the create: its cascade cannot see this like.
      jest.spyOn(likes, 'insert').mockImplementationOnce(async (key) => {
        await deleteVideoDocument(videoId);
        return insert(key);
      });
      const res = await toggleLike(t, fan, 'video', videoId);
      expectError(res, 404, 'NOT_FOUND', 'Video not found');
      expect(await countLikes(t, 'video', videoId)).toBe(0);
    });

    it('a create that loses the race to a concurrent create counts as liked', async () => {
      const videoId = await insertVideo(t, owner.id);
      const likes = t.app.get(LikesRepository);
      const insert = likes.insert.bind(likes);
      // The concurrent create wins just before this one: the unique index refuses the second.
      jest.spyOn(likes, 'insert').mockImplementationOnce(async (key) => {
        await insertLike(t, fan.id, 'video', videoId);
        return insert(key);
      });
      const res = await toggleLike(t, fan, 'video', videoId);
      expectSuccess(res, 200, 'Video liked successfully');
      expect(res.body.data).toEqual({ isLiked: true, likesCount: 1 });
      expect(await countLikes(t, 'video', videoId)).toBe(1);
    });
  });

  describe('POST /like/toggle-comment-like/:commentId', () => {
    it("likes and unlikes a video comment; the video's comment list shows the figures per caller", async () => {
      const videoId = await insertVideo(t, owner.id);
      const comment = await addComment(t, other, { video: videoId });

      const liked = await toggleLike(t, fan, 'comment', comment._id);
      expectSuccess(liked, 200, 'Comment liked successfully');
      expect(liked.body.data).toEqual({ isLiked: true, likesCount: 1 });

      const list = await api(t)
        .get(`/api/v1/comment/video-comments/${videoId}`)
        .set('Authorization', fan.authHeader)
        .expect(200);
      expect(list.body.data.docs[0]).toMatchObject({
        _id: comment._id,
        likesCount: 1,
        isLiked: true,
      });
      const anonymous = await api(t).get(`/api/v1/comment/video-comments/${videoId}`).expect(200);
      expect(anonymous.body.data.docs[0]).toMatchObject({ likesCount: 1, isLiked: false });

      const unliked = await toggleLike(t, fan, 'comment', comment._id);
      expectSuccess(unliked, 200, 'Comment unliked successfully');
      expect(unliked.body.data).toEqual({ isLiked: false, likesCount: 0 });
      expect(await countLikes(t, 'comment', comment._id)).toBe(0);
    });

    it('likes a post comment', async () => {
      const post = await createPost(t, owner);
      const comment = await addComment(t, other, { communityPost: post._id });
      const res = await toggleLike(t, fan, 'comment', comment._id);
      expectSuccess(res, 200, 'Comment liked successfully');
      expect(res.body.data).toEqual({ isLiked: true, likesCount: 1 });
    });

    it('answers 404 for a missing comment, a comment of a hidden video or of a deleted parent', async () => {
      expectError(
        await toggleLike(t, fan, 'comment', MISSING_ID),
        404,
        'NOT_FOUND',
        'Comment not found',
      );

      const hidden = await insertVideo(t, owner.id, { isPublished: false });
      const onHidden = await insertComment(t, owner.id, { video: hidden });
      expectError(
        await toggleLike(t, fan, 'comment', onHidden),
        404,
        'NOT_FOUND',
        'Comment not found',
      );
      expect(await countLikes(t, 'comment', onHidden)).toBe(0);
      // The owner still sees the comment of their own unpublished video.
      expectSuccess(
        await toggleLike(t, owner, 'comment', onHidden),
        200,
        'Comment liked successfully',
      );

      const orphan = await insertComment(t, other.id, { video: MISSING_ID });
      expectError(
        await toggleLike(t, fan, 'comment', orphan),
        404,
        'NOT_FOUND',
        'Comment not found',
      );
      const orphanOfPost = await insertComment(t, other.id, { communityPost: MISSING_ID });
      expectError(
        await toggleLike(t, fan, 'comment', orphanOfPost),
        404,
        'NOT_FOUND',
        'Comment not found',
      );
      // A post is visible when its owner is: a pending owner hides the post and its comments.
      const pending = await createPendingUser(t);
      const hiddenPost = await insertPost(t, pending.id);
      const onHiddenPost = await insertComment(t, other.id, { communityPost: hiddenPost });
      expectError(
        await toggleLike(t, fan, 'comment', onHiddenPost),
        404,
        'NOT_FOUND',
        'Comment not found',
      );
      expect(await countLikes(t, 'comment', onHiddenPost)).toBe(0);
    });

    it('rejects a malformed id and an anonymous caller', async () => {
      const bad = await api(t)
        .post('/api/v1/like/toggle-comment-like/xyz')
        .set('Authorization', fan.authHeader);
      expectError(bad, 400, 'INVALID_ID', 'Invalid ID');
      expectError(
        await api(t).post(`/api/v1/like/toggle-comment-like/${MISSING_ID}`),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
    });

    it('concurrent toggles by many users on a comment: counts stay true', async () => {
      const videoId = await insertVideo(t, owner.id);
      const comment = await addComment(t, other, { video: videoId });
      const crowd = await createVerifiedUsers(t, 10);
      await Promise.all(
        crowd.map((user) => toggleLike(t, user, 'comment', comment._id).expect(200)),
      );
      expect(await countLikes(t, 'comment', comment._id)).toBe(10);
      const list = await api(t).get(`/api/v1/comment/video-comments/${videoId}`).expect(200);
      expect(list.body.data.docs[0].likesCount).toBe(10);
    });

    it("toggles racing the comment's deletion leave no like behind", async () => {
      const crowd = await createVerifiedUsers(t, 8);
      const videoId = await insertVideo(t, owner.id);
      for (let round = 0; round < 4; round++) {
        const comment = await addComment(t, other, { video: videoId });
        await raceDeletion(
          crowd,
          (user) => toggleLike(t, user, 'comment', comment._id),
          () =>
            api(t).delete(`/api/v1/comment/${comment._id}`).set('Authorization', other.authHeader),
        );
        expect(await countLikes(t, 'comment', comment._id)).toBe(0);
      }
    });
  });

  describe('POST /like/toggle-community-post-like/:postId', () => {
    it('likes and unlikes a post; the feed shows the figures per caller', async () => {
      const post = await createPost(t, owner, 'likeable post');
      const liked = await toggleLike(t, fan, 'communityPost', post._id);
      expectSuccess(liked, 200, 'Post liked successfully');
      expect(liked.body.data).toEqual({ isLiked: true, likesCount: 1 });

      const mine = await api(t)
        .get(`/api/v1/communitypost/user/${owner.id}`)
        .set('Authorization', fan.authHeader)
        .expect(200);
      expect(
        (mine.body.data.docs as { _id: string }[]).find((p) => p._id === post._id),
      ).toMatchObject({
        likesCount: 1,
        isLiked: true,
      });

      const unliked = await toggleLike(t, fan, 'communityPost', post._id);
      expectSuccess(unliked, 200, 'Post unliked successfully');
      expect(unliked.body.data).toEqual({ isLiked: false, likesCount: 0 });
    });

    it('answers 404 Community post not found for a missing post or one whose owner is pending', async () => {
      expectError(
        await toggleLike(t, fan, 'communityPost', MISSING_ID),
        404,
        'NOT_FOUND',
        'Community post not found',
      );
      const pending = await createPendingUser(t);
      const hidden = await insertPost(t, pending.id);
      expectError(
        await toggleLike(t, fan, 'communityPost', hidden),
        404,
        'NOT_FOUND',
        'Community post not found',
      );
      expect(await countLikes(t, 'communityPost', hidden)).toBe(0);
    });

    it('rejects a malformed id and an anonymous caller', async () => {
      const bad = await api(t)
        .post('/api/v1/like/toggle-community-post-like/123')
        .set('Authorization', fan.authHeader);
      expectError(bad, 400, 'INVALID_ID', 'Invalid ID');
      expectError(
        await api(t).post(`/api/v1/like/toggle-community-post-like/${MISSING_ID}`),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
    });

    it("toggles racing the post's deletion leave no like behind", async () => {
      const crowd = await createVerifiedUsers(t, 8);
      for (let round = 0; round < 4; round++) {
        const post = await createPost(t, owner);
        await raceDeletion(
          crowd,
          (user) => toggleLike(t, user, 'communityPost', post._id),
          () =>
            api(t)
              .delete(`/api/v1/communitypost/${post._id}`)
              .set('Authorization', owner.authHeader),
        );
        expect(await countLikes(t, 'communityPost', post._id)).toBe(0);
      }
    });
  });

  describe('GET /like/liked-videos', () => {
    let liker: TestUser;

    beforeEach(async () => {
      liker = await createVerifiedUser(t);
    });

    const likedVideos = (user: TestUser, query: Record<string, string | number> = {}) =>
      api(t).get('/api/v1/like/liked-videos').query(query).set('Authorization', user.authHeader);

    it('lists liked videos as LikedVideo, newest like first, then like _id descending', async () => {
      const [a, b, c, d] = await Promise.all([
        insertVideo(t, owner.id),
        insertVideo(t, owner.id),
        insertVideo(t, other.id),
        insertVideo(t, other.id),
      ]);
      const sameTime = new Date('2026-03-01T10:00:00.000Z');
      await insertLike(t, liker.id, 'video', a, new Date('2026-01-01T10:00:00.000Z'));
      await insertLike(t, liker.id, 'video', b, sameTime);
      await insertLike(t, liker.id, 'video', c, sameTime); // same time, larger _id: first
      await insertLike(t, liker.id, 'video', d, new Date('2026-02-01T10:00:00.000Z'));
      await insertLike(t, fan.id, 'video', a);

      const res = await likedVideos(liker);
      expectSuccess(res, 200, 'Liked videos fetched successfully');
      expect(Array.isArray(res.body.data)).toBe(true);
      expect(idsOf(res.body.data)).toEqual([c, b, d, a]);
      const first = res.body.data[0];
      expect(Object.keys(first)).toEqual([...VIDEO_CARD_KEYS, 'likedAt']);
      expect(first).toMatchObject({
        isLiked: true,
        likesCount: 1,
        likedAt: sameTime.toISOString(),
      });
      expect(first.likedAt).toMatch(ISO_DATE);
      expect(res.body.data[3]).toMatchObject({ _id: a, likesCount: 2, isLiked: true });
    });

    it("leaves out deleted videos and others' unpublished videos, keeps the caller's own unpublished ones", async () => {
      const visible = await insertVideo(t, owner.id);
      const hiddenOfOther = await insertVideo(t, owner.id, { isPublished: false });
      const ownHidden = await insertVideo(t, liker.id, { isPublished: false });
      await insertLike(t, liker.id, 'video', visible, new Date('2026-01-01T00:00:01.000Z'));
      await insertLike(t, liker.id, 'video', hiddenOfOther, new Date('2026-01-01T00:00:02.000Z'));
      await insertLike(t, liker.id, 'video', ownHidden, new Date('2026-01-01T00:00:03.000Z'));
      // A like whose video is gone (a cascade that failed): never listed.
      await insertLike(t, liker.id, 'video', MISSING_ID, new Date('2026-01-01T00:00:04.000Z'));

      const res = await likedVideos(liker).expect(200);
      expect(idsOf(res.body.data)).toEqual([ownHidden, visible]);
    });

    it('defaults to 20 per page and pages through without overlap', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 25; i++) {
        const id = await insertVideo(t, owner.id);
        await insertLike(t, liker.id, 'video', id, new Date(Date.UTC(2026, 0, 1, 0, 0, i)));
        ids.unshift(id);
      }
      const first = await likedVideos(liker).expect(200);
      expect(idsOf(first.body.data)).toEqual(ids.slice(0, 20));
      const second = await likedVideos(liker, { page: 2 }).expect(200);
      expect(idsOf(second.body.data)).toEqual(ids.slice(20));
      const small = await likedVideos(liker, { page: 3, limit: 10 }).expect(200);
      expect(idsOf(small.body.data)).toEqual(ids.slice(20));
      expect((await likedVideos(liker, { page: 4, limit: 10 }).expect(200)).body.data).toEqual([]);
    });

    it('answers an empty array for a user without likes', async () => {
      const res = await likedVideos(liker);
      expectSuccess(res, 200, 'Liked videos fetched successfully');
      expect(res.body.data).toEqual([]);
    });

    it('validates page and limit and requires a signed-in caller', async () => {
      for (const limit of ['0', '101', '-1', 'abc', '1.5']) {
        expectError(
          await likedVideos(liker, { limit }),
          400,
          'VALIDATION_ERROR',
          'limit must be an integer between 1 and 100',
        );
      }
      const repeated = await api(t)
        .get('/api/v1/like/liked-videos?page=1&page=2')
        .set('Authorization', liker.authHeader);
      expectError(repeated, 400, 'VALIDATION_ERROR', 'page must be a single value');
      expectError(
        await api(t).get('/api/v1/like/liked-videos'),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
    });

    it('issues the same number of database round trips for 1 and 20 items, at most 4 beyond authentication', async () => {
      for (let i = 0; i < 20; i++) {
        const author = i % 2 === 0 ? owner : other;
        const id = await insertVideo(t, author.id);
        await insertLike(t, liker.id, 'video', id);
        await insertLike(t, fan.id, 'video', id);
      }
      const one = await commandsOf(t, () => likedVideos(liker, { limit: 1 }));
      const twenty = await commandsOf(t, () => likedVideos(liker, { limit: 20 }));
      expect(one.res.body.data).toHaveLength(1);
      expect(twenty.res.body.data).toHaveLength(20);
      expect(twenty.names).toEqual(one.names);
      expect(twenty.names.length - AUTH_ROUND_TRIPS).toBeLessThanOrEqual(4);
      // Reported in the closing note: liked videos = auth 2 + likes, videos, owners, counts.
      expect(twenty.names.length - AUTH_ROUND_TRIPS).toBe(4);
    });
  });

  describe('deleting a video removes its likes', () => {
    it("DELETE /video/:videoId removes the video's likes", async () => {
      const video = await uploadVideo(t, owner, { isPublished: true });
      await toggleLike(t, fan, 'video', video._id).expect(200);
      await toggleLike(t, other, 'video', video._id).expect(200);
      expect(await countLikes(t, 'video', video._id)).toBe(2);
      await api(t)
        .delete(`/api/v1/video/${video._id}`)
        .set('Authorization', owner.authHeader)
        .expect(200);
      expect(await countLikes(t, 'video', video._id)).toBe(0);
    });

    it('a failed like clean-up is logged with the ids, leaves the response alone, and the likes never show', async () => {
      const video = await uploadVideo(t, owner, { isPublished: true });
      const liker = await createVerifiedUser(t);
      await toggleLike(t, liker, 'video', video._id).expect(200);

      const likes = t.app.get(LikesRepository);
      const original = likes.deleteForTargets.bind(likes);
      jest
        .spyOn(likes, 'deleteForTargets')
        .mockImplementation((targetType, ids) =>
          targetType === 'video'
            ? Promise.reject(new Error('simulated outage'))
            : original(targetType, ids),
        );
      const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

      const res = await api(t)
        .delete(`/api/v1/video/${video._id}`)
        .set('Authorization', owner.authHeader);
      expectSuccess(res, 200, 'Video deleted successfully');
      expect(errors.mock.calls.some(([message]) => String(message).includes(video._id))).toBe(true);
      // The like is still stored, but reads go through the video: never listed, never liked again.
      expect(await countLikes(t, 'video', video._id)).toBe(1);
      jest.restoreAllMocks();
      const listed = await api(t)
        .get('/api/v1/like/liked-videos')
        .set('Authorization', liker.authHeader)
        .expect(200);
      expect(listed.body.data).toEqual([]);
      expectError(
        await toggleLike(t, liker, 'video', video._id),
        404,
        'NOT_FOUND',
        'Video not found',
      );
    });
  });
});
