import { Types } from 'mongoose';
import type { Response } from 'supertest';
import { LikesRepository } from 'src/modules/likes/likes.repository';
import type { LikeTargetType } from 'src/modules/likes/schemas/like.schema';
import { addComment, insertComment } from 'test/factories/comments.factory';
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
  ENGAGEMENT_ENV,
  expectError,
  expectSuccess,
  MISSING_ID,
} from 'test/likes/engagement-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * The idempotent PUT and DELETE of a like or a follow (docs/api.md#idempotent-state), beside the
 * toggles. Each answers the state it was asked for; repeating it changes nothing and answers the
 * same; and since toggles, PUTs and DELETEs are one core, every like or follow they store or
 * remove moves the maintained counters exactly once, whatever the interleaving.
 */
describe('Idempotent like and follow state: PUT and DELETE beside the toggles', () => {
  let t: TestApp;
  let owner: TestUser;
  let fan: TestUser;

  beforeAll(async () => {
    t = await createTestApp(ENGAGEMENT_ENV);
    [owner, fan] = await createVerifiedUsers(t, 2);
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const oid = (id: string) => new Types.ObjectId(id);
  const PATHS: Record<LikeTargetType, string> = {
    video: '/api/v1/like/video',
    comment: '/api/v1/like/comment',
    communityPost: '/api/v1/like/communitypost',
  };
  const MESSAGES: Record<LikeTargetType, { liked: string; unliked: string; notFound: string }> = {
    video: {
      liked: 'Video liked successfully',
      unliked: 'Video unliked successfully',
      notFound: 'Video not found',
    },
    comment: {
      liked: 'Comment liked successfully',
      unliked: 'Comment unliked successfully',
      notFound: 'Comment not found',
    },
    communityPost: {
      liked: 'Post liked successfully',
      unliked: 'Post unliked successfully',
      notFound: 'Community post not found',
    },
  };
  const COLLECTIONS: Record<LikeTargetType, string> = {
    video: 'videos',
    comment: 'comments',
    communityPost: 'communityposts',
  };

  const putLike = (user: TestUser, type: LikeTargetType, id: string) =>
    api(t).put(`${PATHS[type]}/${id}`).set('Authorization', user.authHeader);
  const deleteLike = (user: TestUser, type: LikeTargetType, id: string) =>
    api(t).delete(`${PATHS[type]}/${id}`).set('Authorization', user.authHeader);
  const putFollow = (user: TestUser, id: string) =>
    api(t).put(`/api/v1/follower/${id}`).set('Authorization', user.authHeader);
  const deleteFollow = (user: TestUser, id: string) =>
    api(t).delete(`/api/v1/follower/${id}`).set('Authorization', user.authHeader);

  /** The target's stored `likesCount` (absent reads as 0). */
  async function storedLikesCount(type: LikeTargetType, id: string): Promise<number> {
    const doc = await t.connection
      .collection<{ likesCount?: number }>(COLLECTIONS[type])
      .findOne({ _id: oid(id) });
    return doc?.likesCount ?? 0;
  }

  /** Stored counter equals a recount of the likes, and the count is what the test expects. */
  async function expectLikesTrue(type: LikeTargetType, id: string, expected: number) {
    const recount = await countLikes(t, type, id);
    expect({ recount, stored: await storedLikesCount(type, id) }).toEqual({
      recount: expected,
      stored: expected,
    });
  }

  /** A channel's stored like and follow totals equal a recount of the documents. */
  async function expectChannelTrue(userId: string): Promise<void> {
    const user = await t.connection
      .collection<{ channel?: Record<string, number> }>('users')
      .findOne({ _id: oid(userId) });
    const videos = await t.connection
      .collection<{ _id: Types.ObjectId; isPublished: boolean }>('videos')
      .find({ owner: oid(userId) })
      .toArray();
    const likesOn = (ids: Types.ObjectId[]) =>
      t.connection
        .collection('likes')
        .countDocuments({ targetType: 'video', target: { $in: ids } });
    const channel = user?.channel ?? {};
    expect({
      likes: channel.likes ?? 0,
      publishedLikes: channel.publishedLikes ?? 0,
      followers: channel.followers ?? 0,
      following: channel.following ?? 0,
    }).toEqual({
      likes: await likesOn(videos.map((video) => video._id)),
      publishedLikes: await likesOn(
        videos.filter((video) => video.isPublished).map((video) => video._id),
      ),
      followers: await t.connection
        .collection('follows')
        .countDocuments({ following: oid(userId) }),
      following: await t.connection.collection('follows').countDocuments({ follower: oid(userId) }),
    });
  }

  /** One target of each kind, visible to everybody. */
  async function targets(): Promise<Record<LikeTargetType, string>> {
    const video = await uploadVideo(t, owner, { isPublished: true });
    const post = await createPost(t, owner);
    const comment = await addComment(t, owner, { video: video._id });
    return { video: video._id, comment: comment._id, communityPost: post._id };
  }

  const KINDS: LikeTargetType[] = ['video', 'comment', 'communityPost'];

  describe('PUT and DELETE /like/{video,comment,communitypost}/:id', () => {
    it.each(KINDS)(
      '%s: PUT likes and DELETE unlikes; each repeated answers the same and changes nothing',
      async (type) => {
        const ids = await targets();
        const id = ids[type];
        const other = await createVerifiedUser(t);
        await putLike(other, type, id).expect(200);

        const first = await putLike(fan, type, id);
        expectSuccess(first, 200, MESSAGES[type].liked);
        expect(first.body.data).toEqual({ liked: true, likesCount: 2 });
        expect(Object.keys(first.body.data)).toEqual(['liked', 'likesCount']);
        for (let i = 0; i < 3; i++) {
          const again = await putLike(fan, type, id);
          expect(again.body).toEqual(first.body);
        }
        expect(await countLikes(t, type, id, fan.id)).toBe(1);
        await expectLikesTrue(type, id, 2);

        const unliked = await deleteLike(fan, type, id);
        expectSuccess(unliked, 200, MESSAGES[type].unliked);
        expect(unliked.body.data).toEqual({ liked: false, likesCount: 1 });
        for (let i = 0; i < 3; i++) {
          const again = await deleteLike(fan, type, id);
          expect(again.body).toEqual(unliked.body);
        }
        expect(await countLikes(t, type, id, fan.id)).toBe(0);
        await expectLikesTrue(type, id, 1);
      },
    );

    it('DELETE of a target never liked answers 200 liked:false and stores nothing', async () => {
      const ids = await targets();
      for (const type of KINDS) {
        const res = await deleteLike(fan, type, ids[type]);
        expectSuccess(res, 200, MESSAGES[type].unliked);
        expect(res.body.data).toEqual({ liked: false, likesCount: 0 });
        await expectLikesTrue(type, ids[type], 0);
      }
    });

    it('agrees with the toggle: a PUT after a toggle-like and a toggle after a PUT see one state', async () => {
      const videoId = (await uploadVideo(t, owner, { isPublished: true }))._id;
      await toggleLike(t, fan, 'video', videoId).expect(200);
      expect((await putLike(fan, 'video', videoId).expect(200)).body.data).toEqual({
        liked: true,
        likesCount: 1,
      });
      // The toggle now unlikes, the DELETE finds nothing, the toggle likes again.
      expect((await toggleLike(t, fan, 'video', videoId).expect(200)).body.data).toEqual({
        isLiked: false,
        likesCount: 0,
      });
      expect((await deleteLike(fan, 'video', videoId).expect(200)).body.data).toEqual({
        liked: false,
        likesCount: 0,
      });
      expect((await toggleLike(t, fan, 'video', videoId).expect(200)).body.data).toEqual({
        isLiked: true,
        likesCount: 1,
      });
      await expectLikesTrue('video', videoId, 1);
      // The card the others read agrees.
      const card = await api(t)
        .get(`/api/v1/video/${videoId}`)
        .set('Authorization', fan.authHeader)
        .expect(200);
      expect(card.body.data).toMatchObject({ likesCount: 1, isLiked: true });
    });

    it.each(KINDS)(
      '%s: 20 concurrent PUTs by one user store one like, 20 concurrent DELETEs none; counters exact',
      async (type) => {
        const ids = await targets();
        const id = ids[type];
        const puts = await Promise.all(Array.from({ length: 20 }, () => putLike(fan, type, id)));
        for (const res of puts) {
          expectSuccess(res, 200, MESSAGES[type].liked);
          expect(res.body.data.liked).toBe(true);
        }
        await expectLikesTrue(type, id, 1);
        // Settled, the answer is the same for everybody.
        expect((await putLike(fan, type, id).expect(200)).body.data).toEqual({
          liked: true,
          likesCount: 1,
        });

        const deletes = await Promise.all(
          Array.from({ length: 20 }, () => deleteLike(fan, type, id)),
        );
        for (const res of deletes) {
          expectSuccess(res, 200, MESSAGES[type].unliked);
          expect(res.body.data.liked).toBe(false);
        }
        await expectLikesTrue(type, id, 0);
        await expectChannelTrue(owner.id);
      },
    );

    it('toggles, PUTs and DELETEs racing each other (one user and many) leave every counter exact', async () => {
      const ids = await targets();
      const crowd = await createVerifiedUsers(t, 8);
      const actions: Promise<Response>[] = [];
      for (const type of KINDS) {
        for (const [i, user] of crowd.entries()) {
          // Each user mixes the three, several times, in one burst.
          actions.push(putLike(user, type, ids[type]));
          actions.push(toggleLike(t, user, type, ids[type]));
          actions.push(deleteLike(user, type, ids[type]));
          if (i % 2 === 0) actions.push(putLike(user, type, ids[type]));
          if (i % 3 === 0) actions.push(toggleLike(t, user, type, ids[type]));
        }
      }
      const responses = await Promise.all(actions);
      for (const res of responses) expect(res.status).toBe(200);

      for (const type of KINDS) {
        const recount = await countLikes(t, type, ids[type]);
        await expectLikesTrue(type, ids[type], recount);
        // Never more than one like per user.
        for (const user of crowd)
          expect(await countLikes(t, type, ids[type], user.id)).toBeLessThanOrEqual(1);
      }
      await expectChannelTrue(owner.id);

      // Then every user's final PUT leaves exactly the crowd's likes.
      await Promise.all(crowd.map((user) => putLike(user, 'video', ids.video).expect(200)));
      await expectLikesTrue('video', ids.video, crowd.length);
      await expectChannelTrue(owner.id);
    });

    it('answers 404 for missing and invisible targets, for PUT and DELETE alike, and stores nothing', async () => {
      const hiddenVideo = await insertVideo(t, owner.id, { isPublished: false });
      const commentOfHidden = await insertComment(t, owner.id, { video: hiddenVideo });
      const pending = await createPendingUser(t);
      const postOfPending = await insertPost(t, pending.id);
      const cases: [LikeTargetType, string][] = [
        ['video', MISSING_ID],
        ['video', hiddenVideo],
        ['comment', MISSING_ID],
        ['comment', commentOfHidden],
        ['communityPost', MISSING_ID],
        ['communityPost', postOfPending],
      ];
      for (const [type, id] of cases) {
        expectError(await putLike(fan, type, id), 404, 'NOT_FOUND', MESSAGES[type].notFound);
        expectError(await deleteLike(fan, type, id), 404, 'NOT_FOUND', MESSAGES[type].notFound);
        expect(await countLikes(t, type, id)).toBe(0);
      }
      // The owner sees the unpublished video, and may like it.
      expect((await putLike(owner, 'video', hiddenVideo).expect(200)).body.data).toEqual({
        liked: true,
        likesCount: 1,
      });
    });

    it('a PUT whose like lands just after the video vanished removes it again and answers 404', async () => {
      const videoId = await insertVideo(t, owner.id);
      const likes = t.app.get(LikesRepository);
      const insert = likes.insert.bind(likes);
      jest.spyOn(likes, 'insert').mockImplementationOnce(async (key) => {
        await t.connection.collection('videos').deleteOne({ _id: oid(videoId) });
        return insert(key);
      });
      expectError(await putLike(fan, 'video', videoId), 404, 'NOT_FOUND', 'Video not found');
      expect(await countLikes(t, 'video', videoId)).toBe(0);
    });

    it("PUTs racing the video's deletion leave no like behind and the owner's totals true", async () => {
      const crowd = await createVerifiedUsers(t, 6);
      const video = await uploadVideo(t, owner, { isPublished: true });
      const statuses: number[] = [];
      await Promise.all([
        ...crowd.map(async (user) => {
          for (let i = 0; i < 30; i++) {
            const res = await putLike(user, 'video', video._id);
            statuses.push(res.status);
            if (res.status !== 200) return;
          }
        }),
        api(t)
          .delete(`/api/v1/video/${video._id}`)
          .set('Authorization', owner.authHeader)
          .expect(200),
      ]);
      expect(new Set(statuses)).toEqual(new Set([200, 404]));
      expect(await countLikes(t, 'video', video._id)).toBe(0);
      await expectChannelTrue(owner.id);
    });

    it('requires a signed-in caller, a well-formed id and no body', async () => {
      const videoId = await insertVideo(t, owner.id);
      for (const method of ['put', 'delete'] as const) {
        for (const type of KINDS) {
          expectError(
            await api(t)[method](`${PATHS[type]}/${MISSING_ID}`),
            401,
            'UNAUTHORIZED',
            'UNAUTHORIZED',
          );
          const call = api(t)[method](`${PATHS[type]}/not-an-id`);
          const bad = await call.set('Authorization', fan.authHeader);
          expectError(bad, 400, 'INVALID_ID', 'Invalid ID');
        }
        const call = api(t)[method](`${PATHS.video}/${videoId}`);
        const withBody = await call.set('Authorization', fan.authHeader).send({ liked: true });
        expectError(withBody, 400, 'VALIDATION_ERROR', 'liked is not allowed');
      }
      expect(await countLikes(t, 'video', videoId)).toBe(0);
    });
  });

  describe('PUT and DELETE /follower/:userId', () => {
    it('PUT follows and DELETE unfollows; each repeated answers the same and changes nothing', async () => {
      const star = await createVerifiedUser(t);
      const first = await putFollow(fan, star.id);
      expectSuccess(first, 200, 'Followed successfully');
      expect(first.body.data).toEqual({ following: true, followersCount: 1 });
      expect(Object.keys(first.body.data)).toEqual(['following', 'followersCount']);
      for (let i = 0; i < 3; i++) expect((await putFollow(fan, star.id)).body).toEqual(first.body);
      await expectChannelTrue(star.id);
      await expectChannelTrue(fan.id);

      const unfollowed = await deleteFollow(fan, star.id);
      expectSuccess(unfollowed, 200, 'Unfollowed successfully');
      expect(unfollowed.body.data).toEqual({ following: false, followersCount: 0 });
      for (let i = 0; i < 3; i++)
        expect((await deleteFollow(fan, star.id)).body).toEqual(unfollowed.body);
      await expectChannelTrue(star.id);
      await expectChannelTrue(fan.id);
    });

    it('DELETE of someone never followed answers 200 following:false', async () => {
      const star = await createVerifiedUser(t);
      await putFollow(owner, star.id).expect(200);
      const res = await deleteFollow(fan, star.id);
      expectSuccess(res, 200, 'Unfollowed successfully');
      expect(res.body.data).toEqual({ following: false, followersCount: 1 });
    });

    it('20 concurrent PUTs store one follow, 20 concurrent DELETEs none; both users counted exactly', async () => {
      const star = await createVerifiedUser(t);
      const follower = await createVerifiedUser(t);
      const puts = await Promise.all(
        Array.from({ length: 20 }, () => putFollow(follower, star.id)),
      );
      for (const res of puts) {
        expectSuccess(res, 200, 'Followed successfully');
        expect(res.body.data.following).toBe(true);
      }
      expect(
        await t.connection
          .collection('follows')
          .countDocuments({ follower: oid(follower.id), following: oid(star.id) }),
      ).toBe(1);
      await expectChannelTrue(star.id);
      await expectChannelTrue(follower.id);

      const deletes = await Promise.all(
        Array.from({ length: 20 }, () => deleteFollow(follower, star.id)),
      );
      for (const res of deletes) expect(res.body.data.following).toBe(false);
      expect(
        await t.connection.collection('follows').countDocuments({ following: oid(star.id) }),
      ).toBe(0);
      await expectChannelTrue(star.id);
      await expectChannelTrue(follower.id);
    });

    it('toggles, PUTs and DELETEs of many fans racing each other keep both sides counted', async () => {
      const star = await createVerifiedUser(t);
      const fans = await createVerifiedUsers(t, 10);
      const toggle = (user: TestUser, id: string) =>
        api(t).post(`/api/v1/follower/toggle/${id}`).set('Authorization', user.authHeader);
      const responses = await Promise.all(
        fans.flatMap((user, i) => [
          putFollow(user, star.id),
          toggle(user, star.id),
          deleteFollow(user, star.id),
          ...(i % 2 === 0 ? [putFollow(user, star.id), toggle(user, star.id)] : []),
          // The star follows some back meanwhile.
          ...(i < 3 ? [putFollow(star, user.id), deleteFollow(star, user.id)] : []),
        ]),
      );
      for (const res of responses) expect(res.status).toBe(200);
      await expectChannelTrue(star.id);
      for (const user of fans) await expectChannelTrue(user.id);
      const list = await api(t).get(`/api/v1/follower/followers/${star.id}?limit=50`).expect(200);
      expect(list.body.data.totalDocs).toBe(
        await t.connection.collection('follows').countDocuments({ following: oid(star.id) }),
      );
    });

    it('refuses yourself (400), a pending or missing user (404), a bad id and an anonymous caller', async () => {
      for (const send of [putFollow, deleteFollow]) {
        expectError(await send(fan, fan.id), 400, 'BAD_REQUEST', 'You cannot follow yourself');
        expectError(await send(fan, MISSING_ID), 404, 'NOT_FOUND', 'User not found');
        const pending = await createPendingUser(t);
        expectError(await send(fan, pending.id), 404, 'NOT_FOUND', 'User not found');
        expectError(await send(fan, 'nope'), 400, 'INVALID_ID', 'Invalid ID');
      }
      for (const method of ['put', 'delete'] as const)
        expectError(
          await api(t)[method](`/api/v1/follower/${owner.id}`),
          401,
          'UNAUTHORIZED',
          'UNAUTHORIZED',
        );
      expect(
        await t.connection.collection('follows').countDocuments({ follower: oid(fan.id) }),
      ).toBe(0);
    });
  });
});
