import { Types } from 'mongoose';
import { addComment, countComments } from 'test/factories/comments.factory';
import { toggleLike } from 'test/factories/likes.factory';
import { createPost } from 'test/factories/posts.factory';
import {
  createVerifiedUser,
  createVerifiedUsers,
  type TestUser,
} from 'test/factories/users.factory';
import { uploadVideo } from 'test/factories/videos.factory';
import { API, api, RELAXED_LIMITS } from 'test/follows/social-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * The maintained counters under concurrency, everything through the real endpoints: whatever the
 * interleaving of likes, unlikes, views, publish toggles, deletes, follows and comments, once the
 * requests have finished every counter equals a recount from the documents, both as stored and as
 * the pages show it.
 */
describe('Maintained counters under concurrency', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ...RELAXED_LIMITS, VIEW_DEDUP_WINDOW_HOURS: '0' });
  });
  afterAll(async () => {
    await t.close();
  });

  const as = (user: TestUser) => ({
    get: (path: string) => api(t).get(`${API}${path}`).set('Authorization', user.authHeader),
    post: (path: string) => api(t).post(`${API}${path}`).set('Authorization', user.authHeader),
    patch: (path: string) => api(t).patch(`${API}${path}`).set('Authorization', user.authHeader),
    delete: (path: string) => api(t).delete(`${API}${path}`).set('Authorization', user.authHeader),
  });
  const oid = (id: string) => new Types.ObjectId(id);

  interface StoredVideo {
    _id: Types.ObjectId;
    views: number;
    isPublished: boolean;
    likesCount?: number;
    commentsCount?: number;
  }

  /** The truth of one channel, recounted from the documents. */
  async function recountChannel(ownerId: string) {
    const videos = await t.connection
      .collection<StoredVideo>('videos')
      .find({ owner: oid(ownerId) })
      .toArray();
    const likesOn = (list: StoredVideo[]) =>
      t.connection
        .collection('likes')
        .countDocuments({ targetType: 'video', target: { $in: list.map((video) => video._id) } });
    const published = videos.filter((video) => video.isPublished);
    const views = (list: StoredVideo[]) => list.reduce((sum, video) => sum + video.views, 0);
    return {
      followers: await t.connection
        .collection('follows')
        .countDocuments({ following: oid(ownerId) }),
      following: await t.connection
        .collection('follows')
        .countDocuments({ follower: oid(ownerId) }),
      publishedVideos: published.length,
      publishedViews: views(published),
      publishedLikes: await likesOn(published),
      videos: videos.length,
      views: views(videos),
      likes: await likesOn(videos),
    };
  }

  async function storedChannel(userId: string): Promise<Record<string, number>> {
    const user = await t.connection
      .collection<{ _id: Types.ObjectId; channel?: Record<string, number> }>('users')
      .findOne({ _id: oid(userId) });
    return user?.channel ?? {};
  }

  /** Stored counters and both pages agree with the recount. */
  async function expectChannelTrue(owner: TestUser, viewer: TestUser): Promise<void> {
    const truth = await recountChannel(owner.id);
    expect(await storedChannel(owner.id)).toEqual(truth);
    const profile = await as(viewer).get(`/user/${owner.username}`).expect(200);
    expect(profile.body.data).toMatchObject({
      followersCount: truth.followers,
      followingCount: truth.following,
      videosCount: truth.publishedVideos,
      totalViews: truth.publishedViews,
      totalLikes: truth.publishedLikes,
    });
    const dashboard = await as(owner).get('/dashboard/stats').expect(200);
    expect(dashboard.body.data).toEqual({
      totalVideos: truth.videos,
      totalViews: truth.views,
      totalFollowers: truth.followers,
      totalLikes: truth.likes,
    });
  }

  async function expectVideoCountersTrue(videoId: string): Promise<void> {
    const video = await t.connection
      .collection<StoredVideo>('videos')
      .findOne({ _id: oid(videoId) });
    const likes = await t.connection
      .collection('likes')
      .countDocuments({ targetType: 'video', target: oid(videoId) });
    expect(video?.likesCount).toBe(likes);
    expect(video?.commentsCount).toBe(await countComments(t, { video: videoId }));
  }

  it('likes, unlikes, views and publish toggles racing each other leave every channel and video figure true', async () => {
    const owner = await createVerifiedUser(t);
    const fans = await createVerifiedUsers(t, 8);
    const videos = await Promise.all(
      [true, true, false].map((isPublished) => uploadVideo(t, owner, { isPublished })),
    );

    const actions: Promise<unknown>[] = [];
    for (const video of videos) {
      for (const fan of fans) {
        // Each fan likes; every other fan unlikes again, in the same burst.
        actions.push(toggleLike(t, fan, 'video', video._id));
        if (fans.indexOf(fan) % 2 === 0) actions.push(toggleLike(t, fan, 'video', video._id));
        // A view (404 while the video is unpublished is part of the race).
        actions.push(as(fan).get(`/video/${video._id}`));
      }
      // Five toggles: each flips the flag once, moving the video's views and likes in or out of
      // the published totals while likes and views land.
      for (let i = 0; i < 5; i++)
        actions.push(as(owner).patch(`/video/publish-status/${video._id}`));
    }
    await Promise.all(actions);

    for (const video of videos) await expectVideoCountersTrue(video._id);
    await expectChannelTrue(owner, fans[0]);
    // And each card shows the stored count.
    for (const video of videos) {
      const detail = await as(owner).get(`/video/${video._id}`).expect(200);
      expect(detail.body.data.likesCount).toBe(
        await t.connection
          .collection('likes')
          .countDocuments({ targetType: 'video', target: oid(video._id) }),
      );
    }
  });

  it('a video deleted while fans like and watch it leaves the owner totals true', async () => {
    const owner = await createVerifiedUser(t);
    const fans = await createVerifiedUsers(t, 10);
    const doomed = await uploadVideo(t, owner, { isPublished: true });
    const kept = await uploadVideo(t, owner, { isPublished: true });
    await toggleLike(t, fans[0], 'video', kept._id).expect(200);

    await Promise.all([
      ...fans.map((fan) => toggleLike(t, fan, 'video', doomed._id)),
      ...fans.map((fan) => as(fan).get(`/video/${doomed._id}`)),
      as(owner).delete(`/video/${doomed._id}`).expect(200),
    ]);

    // The cascade removed every like on the deleted video; the totals hold only the kept one.
    expect(
      await t.connection
        .collection('likes')
        .countDocuments({ targetType: 'video', target: oid(doomed._id) }),
    ).toBe(0);
    await expectChannelTrue(owner, fans[1]);
    expect((await storedChannel(owner.id)).likes).toBe(1);
  });

  it('concurrent follows and unfollows keep both sides of every relation counted', async () => {
    const star = await createVerifiedUser(t);
    const fans = await createVerifiedUsers(t, 12);
    const followOnce = (fan: TestUser) => as(fan).post(`/follower/toggle/${star.id}`);
    await Promise.all([
      ...fans.map(followOnce),
      // A third of them toggle twice in the same burst (a follow and an unfollow racing).
      ...fans.filter((_fan, i) => i % 3 === 0).map(followOnce),
      // The star follows some fans back meanwhile.
      ...fans.slice(0, 4).map((fan) => as(star).post(`/follower/toggle/${fan.id}`)),
    ]);

    await expectChannelTrue(star, fans[1]);
    for (const fan of fans) {
      const truth = await recountChannel(fan.id);
      expect(await storedChannel(fan.id)).toMatchObject({
        followers: truth.followers,
        following: truth.following,
      });
    }
    const list = await as(fans[1]).get(`/follower/followers/${star.id}?limit=50`).expect(200);
    expect(list.body.data.totalDocs).toBe((await recountChannel(star.id)).followers);
  });

  it('comments added and deleted concurrently, and likes on them, keep the comment counters true', async () => {
    const owner = await createVerifiedUser(t);
    const fans = await createVerifiedUsers(t, 6);
    const video = await uploadVideo(t, owner, { isPublished: true });
    const post = await createPost(t, owner);

    const made = await Promise.all(
      fans.flatMap((fan) => [
        addComment(t, fan, { video: video._id }),
        addComment(t, fan, { communityPost: post._id }),
      ]),
    );
    await Promise.all([
      // Half of the comments deleted while the others collect likes (two per comment, one undone).
      ...made
        .filter((_c, i) => i % 2 === 0)
        .map((comment) => as(owner).delete(`/comment/${comment._id}`)),
      ...made
        .filter((_c, i) => i % 2 === 1)
        .flatMap((comment) => [
          toggleLike(t, fans[0], 'comment', comment._id),
          toggleLike(t, fans[1], 'comment', comment._id),
          toggleLike(t, fans[1], 'comment', comment._id),
        ]),
      ...fans.map((fan) => toggleLike(t, fan, 'communityPost', post._id)),
    ]);

    await expectVideoCountersTrue(video._id);
    const storedPost = await t.connection
      .collection<{ likesCount?: number; commentsCount?: number }>('communityposts')
      .findOne({ _id: oid(post._id) });
    expect(storedPost?.commentsCount).toBe(await countComments(t, { communityPost: post._id }));
    expect(storedPost?.likesCount).toBe(fans.length);
    const comments = await t.connection
      .collection<{ _id: Types.ObjectId; likesCount?: number }>('comments')
      .find({ _id: { $in: made.map((comment) => oid(comment._id)) } })
      .toArray();
    expect(comments).toHaveLength(made.length / 2);
    for (const comment of comments) {
      expect(comment.likesCount).toBe(
        await t.connection
          .collection('likes')
          .countDocuments({ targetType: 'comment', target: comment._id }),
      );
    }
    // The pages show the stored counts.
    const page = await as(fans[0]).get(`/comment/video-comments/${video._id}?limit=50`).expect(200);
    for (const shown of page.body.data.docs as { _id: string; likesCount: number }[]) {
      expect(shown.likesCount).toBe(
        comments.find((comment) => comment._id.toHexString() === shown._id)?.likesCount,
      );
    }
  });
});
