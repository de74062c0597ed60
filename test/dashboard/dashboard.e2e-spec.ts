import { Types } from 'mongoose';
import { countFollows } from 'test/factories/follows.factory';
import {
  createVerifiedUser,
  createVerifiedUsers,
  type TestUser,
} from 'test/factories/users.factory';
import { insertVideo, uploadVideo } from 'test/factories/videos.factory';
import {
  API,
  api,
  expectError,
  expectSuccess,
  RELAXED_LIMITS,
} from 'test/follows/social-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';

interface CommandStarted {
  commandName: string;
  command: Record<string, unknown>;
}

describe('Channel figures: the dashboard, the profile counts, the watch page owner follow figures', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ...RELAXED_LIMITS, DB_MONITOR_COMMANDS: 'true' });
  });
  afterAll(async () => {
    await t.close();
  });

  const dashboard = (user: TestUser) =>
    api(t).get(`${API}/dashboard/stats`).set('Authorization', user.authHeader);
  const profile = (username: string, viewer?: TestUser) => {
    const req = api(t).get(`${API}/user/${username}`);
    return viewer ? req.set('Authorization', viewer.authHeader) : req;
  };
  const follow = (fan: TestUser, target: TestUser) =>
    api(t)
      .post(`${API}/follower/toggle/${target.id}`)
      .set('Authorization', fan.authHeader)
      .expect(200);
  const like = (fan: TestUser, videoId: string) =>
    api(t)
      .post(`${API}/like/toggle-video-like/${videoId}`)
      .set('Authorization', fan.authHeader)
      .expect(200);

  /** The truth, straight from the documents. */
  async function recount(ownerId: string): Promise<{
    all: { videos: number; views: number; likes: number };
    published: { videos: number; views: number; likes: number };
    followers: number;
    following: number;
  }> {
    const owner = new Types.ObjectId(ownerId);
    const videos = await t.connection
      .collection<{ _id: Types.ObjectId; views: number; isPublished: boolean }>('videos')
      .find({ owner })
      .toArray();
    const likesOn = (ids: Types.ObjectId[]) =>
      t.connection
        .collection('likes')
        .countDocuments({ targetType: 'video', target: { $in: ids } });
    const published = videos.filter((video) => video.isPublished);
    const sum = (list: typeof videos) => list.reduce((total, video) => total + video.views, 0);
    return {
      all: {
        videos: videos.length,
        views: sum(videos),
        likes: await likesOn(videos.map((v) => v._id)),
      },
      published: {
        videos: published.length,
        views: sum(published),
        likes: await likesOn(published.map((v) => v._id)),
      },
      followers: await countFollows(t, { following: ownerId }),
      following: await countFollows(t, { follower: ownerId }),
    };
  }

  it('the dashboard answers zeros for an empty channel, with exactly the four fields', async () => {
    const newcomer = await createVerifiedUser(t);
    const res = await dashboard(newcomer);
    expectSuccess(res, 200, 'Dashboard stats fetched successfully');
    expect(res.body.data).toEqual({
      totalVideos: 0,
      totalViews: 0,
      totalFollowers: 0,
      totalLikes: 0,
    });
    expect(Object.keys(res.body.data)).toEqual([
      'totalVideos',
      'totalViews',
      'totalFollowers',
      'totalLikes',
    ]);
  });

  it('the dashboard answers 401 without credentials', async () => {
    expectError(await api(t).get(`${API}/dashboard/stats`), 401, 'UNAUTHORIZED', 'UNAUTHORIZED');
  });

  it('the dashboard and the profile equal a recomputation from the documents after activity, and after undoing some of it', async () => {
    const creator = await createVerifiedUser(t);
    const [fanA, fanB, fanC, rival] = await createVerifiedUsers(t, 4);
    const publishedA = await insertVideo(t, creator.id, { views: 5 });
    const publishedB = await insertVideo(t, creator.id, { views: 7 });
    const hidden = await insertVideo(t, creator.id, { views: 11, isPublished: false });
    const uploaded = await uploadVideo(t, creator, { isPublished: true });
    // Someone else's channel, whose figures must not leak into the creator's.
    const rivalVideo = await insertVideo(t, rival.id, { views: 100 });

    await Promise.all([follow(fanA, creator), follow(fanB, creator), follow(fanC, creator)]);
    await follow(creator, rival);
    await follow(fanA, rival);
    await Promise.all([
      like(fanA, publishedA),
      like(fanB, publishedA),
      like(fanC, publishedB),
      like(fanA, uploaded._id),
      // The owner may like their own hidden video; it counts on the dashboard only.
      like(creator, hidden),
      like(fanA, rivalVideo),
      like(creator, rivalVideo),
    ]);

    const check = async (): Promise<void> => {
      const truth = await recount(creator.id);
      const stats = await dashboard(creator);
      expect(stats.body.data).toEqual({
        totalVideos: truth.all.videos,
        totalViews: truth.all.views,
        totalFollowers: truth.followers,
        totalLikes: truth.all.likes,
      });
      const seen = await profile(creator.username, fanA);
      expect(seen.body.data).toMatchObject({
        followersCount: truth.followers,
        followingCount: truth.following,
        videosCount: truth.published.videos,
        totalViews: truth.published.views,
        totalLikes: truth.published.likes,
      });
    };

    await check();
    expect((await dashboard(creator)).body.data).toEqual({
      totalVideos: 4,
      totalViews: 23,
      totalFollowers: 3,
      totalLikes: 5,
    });
    const seen = await profile(creator.username, fanA);
    expect(seen.body.data).toMatchObject({
      followersCount: 3,
      followingCount: 1,
      videosCount: 3,
      totalViews: 12,
      totalLikes: 4,
      isFollowed: true,
      isFollowedByMe: true,
    });
    expect((await profile(creator.username, rival)).body.data.isFollowed).toBe(false);
    expect((await profile(creator.username)).body.data.isFollowed).toBe(false);
    expect((await profile(creator.username, creator)).body.data.isFollowed).toBe(false);

    // Undo some of it: an unlike, an unfollow, a deleted video with its likes, a video hidden.
    await like(fanB, publishedA);
    await follow(fanC, creator);
    await api(t)
      .delete(`${API}/video/${uploaded._id}`)
      .set('Authorization', creator.authHeader)
      .expect(200);
    await api(t)
      .patch(`${API}/video/publish-status/${publishedB}`)
      .set('Authorization', creator.authHeader)
      .send({ isPublished: false })
      .expect(200);
    await check();
    expect((await dashboard(creator)).body.data).toEqual({
      totalVideos: 3,
      totalViews: 23,
      totalFollowers: 2,
      totalLikes: 3,
    });
    expect((await profile(creator.username)).body.data).toMatchObject({
      videosCount: 1,
      totalViews: 5,
      totalLikes: 1,
      followersCount: 2,
    });
  });

  it('the watch page shows the owner’s true followersCount and whether the caller follows them', async () => {
    const creator = await createVerifiedUser(t);
    const [fanA, fanB] = await createVerifiedUsers(t, 2);
    const videoId = await insertVideo(t, creator.id);
    await follow(fanA, creator);
    await follow(fanB, creator);

    const detail = (viewer?: TestUser) => {
      const req = api(t).get(`${API}/video/${videoId}`);
      return viewer ? req.set('Authorization', viewer.authHeader) : req;
    };
    const byFan = await detail(fanA);
    expect(byFan.body.data.owner).toMatchObject({
      _id: creator.id,
      followersCount: 2,
      isFollowed: true,
    });
    expect((await detail()).body.data.owner).toMatchObject({
      followersCount: 2,
      isFollowed: false,
    });
    expect((await detail(creator)).body.data.owner).toMatchObject({
      followersCount: 2,
      isFollowed: false,
    });

    await follow(fanA, creator);
    const after = await detail(fanA);
    expect(after.body.data.owner).toMatchObject({
      followersCount: await countFollows(t, { following: creator.id }),
      isFollowed: false,
    });
    expect(after.body.data.owner.followersCount).toBe(1);
  });

  it('the dashboard and the profile cost one lookup by a unique key whatever the catalogue: the maintained counters, never a count', async () => {
    const creator = await createVerifiedUser(t);
    const fan = await createVerifiedUser(t);
    for (let i = 0; i < 6; i++) {
      const video = await uploadVideo(t, creator, { isPublished: i % 2 === 0 });
      if (i % 2 === 0) await like(fan, video._id);
    }
    await follow(fan, creator);

    const seen: CommandStarted[] = [];
    const client = t.connection.getClient();
    const listener = (event: CommandStarted): void => {
      seen.push({ commandName: event.commandName, command: event.command });
    };
    const during = async (action: () => Promise<unknown>): Promise<CommandStarted[]> => {
      seen.length = 0;
      client.on('commandStarted', listener);
      try {
        await action();
      } finally {
        client.off('commandStarted', listener);
      }
      return [...seen];
    };
    const onCollection = (commands: CommandStarted[], name: string) =>
      commands.filter((event) => event.command[event.commandName] === name);

    // The dashboard: authentication (session, user), then the caller's counters by `_id`.
    const d1 = await during(() => dashboard(creator).expect(200));
    const userReads = onCollection(d1, 'users');
    expect(userReads.at(-1)?.command.filter).toEqual({ _id: new Types.ObjectId(creator.id) });
    for (const collection of ['videos', 'likes', 'follows'])
      expect(onCollection(d1, collection)).toHaveLength(0);

    // The profile seen by a fan: the profile by its unique username, and one lookup on the
    // unique follow key.
    const u9 = await during(() => profile(creator.username, fan).expect(200));
    expect(onCollection(u9, 'videos')).toHaveLength(0);
    expect(onCollection(u9, 'likes')).toHaveLength(0);
    const followReads = onCollection(u9, 'follows');
    expect(followReads).toHaveLength(1);
    expect(followReads[0].command.filter).toEqual({
      follower: new Types.ObjectId(fan.id),
      following: new Types.ObjectId(creator.id),
    });
    // Anonymous: no follow lookup at all.
    const anonymous = await during(() => profile(creator.username).expect(200));
    expect(onCollection(anonymous, 'follows')).toHaveLength(0);
  });
});
