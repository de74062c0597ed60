import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import request from 'supertest';
import { CountersReconcileScheduler } from 'src/features/counters/counters-reconcile.scheduler';
import { CountersReconcileService } from 'src/features/counters/counters-reconcile.service';
import {
  COUNTER_NAMES,
  type CounterName,
  type ReconcileReport,
} from 'src/features/counters/reconcile-report.type';
import { ChannelCounterRepairService } from 'src/modules/users/channel-counter-repair.service';
import { VideoCounterRepairService } from 'src/modules/videos/video-counter-repair.service';
import { RELAXED_LIMITS } from 'test/auth/helpers';
import { expectCountersTrue, snapshotCounters } from 'test/counters/counters-test.util';
import { addComment } from 'test/factories/comments.factory';
import { toggleLike } from 'test/factories/likes.factory';
import { createPost } from 'test/factories/posts.factory';
import { createVerifiedUsers, type TestUser } from 'test/factories/users.factory';
import { insertVideo, uploadVideo } from 'test/factories/videos.factory';
import { parseMetrics, sampleValue } from 'test/utils/prometheus';
import { createTestApp, type TestApp } from 'test/utils/test-app';

const ROOT = resolve(__dirname, '..', '..');

const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);

/** A report's `corrected` with these counts and 0 for every other counter. */
function correctedOnly(counts: Partial<Record<CounterName, number>>): Record<CounterName, number> {
  const all = {} as Record<CounterName, number>;
  for (const name of COUNTER_NAMES) all[name] = counts[name] ?? 0;
  return all;
}

async function follow(t: TestApp, follower: TestUser, followed: TestUser): Promise<void> {
  const res = await request(t.app.getHttpServer())
    .post(`/api/v1/follower/toggle/${followed.id}`)
    .set('Authorization', follower.authHeader);
  expect(res.status).toBe(200);
}

async function reconciledMetric(t: TestApp, counter: CounterName): Promise<number> {
  const res = await request(t.app.getHttpServer()).get('/metrics').expect(200);
  return sampleValue(parseMetrics(res.text), 'dancely_counters_reconciled_total', { counter });
}

/** `npm run reconcile` as its own process (`src/reconcile.ts`, compiled on the fly as `npm start` would run `dist/`). */
async function runCommand(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'src/reconcile.ts'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TS_NODE_PROJECT: resolve(ROOT, 'tsconfig.json'),
        NODE_ENV: 'test',
        LOG_FILES: 'false',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/**
 * Issue 13, drift repair: the reconcile job recomputes every maintained counter from the
 * documents and repairs what a crash between two writes (or anything else) left wrong.
 */
describe('counters reconcile', () => {
  let t: TestApp;
  let creator: TestUser;
  let fan: TestUser;
  let other: TestUser;
  let uploaded: string;
  let stored: string;
  let comment: string;
  let post: string;

  const reconcileAll = (options?: { batchSize?: number }): Promise<ReconcileReport> =>
    t.app.get(CountersReconcileService).reconcileAll(options);
  const collection = (name: string) => t.connection.collection(name);

  beforeAll(async () => {
    t = await createTestApp(RELAXED_LIMITS);
    [creator, fan, other] = await createVerifiedUsers(t, 3);
    // Real actions through the API, and videos stored with views.
    uploaded = (await uploadVideo(t, creator))._id;
    stored = await insertVideo(t, creator.id, { views: 30 });
    await insertVideo(t, creator.id, { views: 7, isPublished: false });
    for (const user of [fan, other]) await toggleLike(t, user, 'video', uploaded).expect(200);
    await toggleLike(t, fan, 'video', stored).expect(200);
    comment = (await addComment(t, fan, { video: uploaded }))._id;
    await addComment(t, other, { video: uploaded });
    // A reply: it counts for its thread and for the video.
    await request(t.app.getHttpServer())
      .post(`/api/v1/comment/${comment}/replies`)
      .set('Authorization', creator.authHeader)
      .send({ content: 'Thanks!' })
      .expect(201);
    await toggleLike(t, other, 'comment', comment).expect(200);
    post = (await createPost(t, creator))._id;
    await toggleLike(t, fan, 'communityPost', post).expect(200);
    await addComment(t, other, { communityPost: post });
    await follow(t, fan, creator);
    await follow(t, other, creator);
    await follow(t, creator, fan);
    // Whatever the actions left, from here on the counters are right.
    await reconcileAll();
  });
  afterAll(async () => {
    await t?.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('leaves right counters alone and says what it checked', async () => {
    await expectCountersTrue(t);
    const report = await reconcileAll();
    expect(report).toEqual({
      checked: { videos: 3, comments: 4, posts: 1, users: 3 },
      corrected: correctedOnly({}),
      conflicts: 0,
      durationMs: expect.any(Number) as number,
    });
  });

  it('repairs injected drift on every kind of counter, reports, logs and counts it', async () => {
    const before = {
      videoLikes: await reconciledMetric(t, 'videos.likesCount'),
      followers: await reconciledMetric(t, 'users.channel.followers'),
    };
    await collection('videos').updateOne(
      { _id: oid(uploaded) },
      { $set: { likesCount: 7 }, $unset: { commentsCount: '' } },
    );
    await collection('comments').updateOne(
      { _id: oid(comment) },
      { $set: { likesCount: -2, replyCount: 5 } },
    );
    await collection('communityposts').updateOne(
      { _id: oid(post) },
      { $set: { likesCount: 3 }, $unset: { commentsCount: '' } },
    );
    await collection('users').updateOne(
      { _id: oid(creator.id) },
      {
        $set: { 'channel.followers': -3, 'channel.publishedViews': 999, 'channel.videos': 0 },
        $unset: { 'channel.likes': '' },
      },
    );
    // A user document from before the counters existed, though the user follows and is followed.
    await collection('users').updateOne({ _id: oid(fan.id) }, { $unset: { channel: '' } });
    const drifted = await snapshotCounters(t);
    expect(drifted.stored).not.toEqual(drifted.truth);
    const info = jest.spyOn(Logger.prototype, 'log');
    const warn = jest.spyOn(Logger.prototype, 'warn');

    const report = await reconcileAll();

    const expected = correctedOnly({
      'videos.likesCount': 1,
      'videos.commentsCount': 1,
      'comments.likesCount': 1,
      'comments.replyCount': 1,
      'communityposts.likesCount': 1,
      'communityposts.commentsCount': 1,
      'users.channel.followers': 2,
      'users.channel.following': 1,
      'users.channel.publishedViews': 1,
      'users.channel.videos': 1,
      'users.channel.likes': 1,
    });
    expect(report.corrected).toEqual(expected);
    expect(report.conflicts).toBe(0);
    await expectCountersTrue(t);
    const { stored: after } = await snapshotCounters(t);
    expect(after).toMatchObject({
      [`videos.${uploaded}.likesCount`]: 2,
      [`videos.${uploaded}.commentsCount`]: 3,
      [`comments.${comment}.replyCount`]: 1,
      [`users.${creator.id}.channel.followers`]: 2,
      [`users.${creator.id}.channel.publishedViews`]: 30,
      [`users.${creator.id}.channel.views`]: 37,
      [`users.${creator.id}.channel.publishedVideos`]: 2,
      [`users.${creator.id}.channel.likes`]: 3,
      [`users.${fan.id}.channel.following`]: 1,
    });

    expect(
      info.mock.calls.filter(([line]) => String(line).startsWith('Counters reconciled')),
    ).toEqual([
      [
        expect.stringMatching(
          /^Counters reconciled in \d+ ms: checked 3 videos, 4 comments, 1 posts, 3 users; corrected 12, conflicts 0$/,
        ),
      ],
    ]);
    expect(warn.mock.calls).toEqual([
      [
        'Counters had drifted and were corrected: videos.likesCount=1, videos.commentsCount=1, ' +
          'comments.likesCount=1, comments.replyCount=1, communityposts.likesCount=1, ' +
          'communityposts.commentsCount=1, ' +
          'users.channel.followers=2, users.channel.following=1, users.channel.publishedViews=1, ' +
          'users.channel.videos=1, users.channel.likes=1',
      ],
    ]);
    expect(await reconciledMetric(t, 'videos.likesCount')).toBe(before.videoLikes + 1);
    expect(await reconciledMetric(t, 'users.channel.followers')).toBe(before.followers + 2);

    // A second run finds nothing left to correct, and says so without a warning.
    warn.mockClear();
    const again = await reconcileAll();
    expect(again.corrected).toEqual(correctedOnly({}));
    expect(warn).not.toHaveBeenCalled();
  });

  it('never overwrites a concurrent $inc: the value changed since the read is left for the next run', async () => {
    await collection('videos').updateOne({ _id: oid(stored) }, { $set: { likesCount: 7 } });
    await collection('users').updateOne({ _id: oid(fan.id) }, { $set: { 'channel.followers': 5 } });
    const videos = t.app.get(VideoCounterRepairService);
    const applyVideos = videos.apply.bind(videos);
    jest.spyOn(videos, 'apply').mockImplementationOnce(async (fixes) => {
      // A like lands between the job's read and its write: its document, then its `$inc`.
      await collection('likes').insertOne({
        targetType: 'video',
        target: oid(stored),
        likedBy: oid(other.id),
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      await collection('videos').updateOne({ _id: oid(stored) }, { $inc: { likesCount: 1 } });
      await collection('users').updateOne(
        { _id: oid(creator.id) },
        { $inc: { 'channel.likes': 1, 'channel.publishedLikes': 1 } },
      );
      return applyVideos(fixes);
    });
    const channels = t.app.get(ChannelCounterRepairService);
    const applyChannels = channels.apply.bind(channels);
    jest.spyOn(channels, 'apply').mockImplementationOnce(async (fixes) => {
      // A follow lands the same way on the user being repaired.
      await collection('follows').insertOne({
        follower: oid(other.id),
        following: oid(fan.id),
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      await collection('users').updateOne(
        { _id: oid(fan.id) },
        { $inc: { 'channel.followers': 1 } },
      );
      await collection('users').updateOne(
        { _id: oid(other.id) },
        { $inc: { 'channel.following': 1 } },
      );
      return applyChannels(fixes);
    });

    const report = await reconcileAll();

    // The two wrong values lost their compare-and-set; the creator's like totals, which would
    // have been summed from the still-wrong video, waited.
    expect(report.corrected).toEqual(correctedOnly({}));
    expect(report.conflicts).toBe(4);
    const { stored: after } = await snapshotCounters(t);
    expect(after[`videos.${stored}.likesCount`]).toBe(8);
    expect(after[`users.${fan.id}.channel.followers`]).toBe(6);
    expect(after[`users.${creator.id}.channel.likes`]).toBe(4);

    const next = await reconcileAll();
    expect(next.corrected).toEqual(
      correctedOnly({ 'videos.likesCount': 1, 'users.channel.followers': 1 }),
    );
    expect(next.conflicts).toBe(0);
    await expectCountersTrue(t);
  });

  it('repairs only the documents it is given, with a video its owner', async () => {
    await collection('videos').updateMany({}, { $set: { commentsCount: 40 } });
    await collection('users').updateMany({}, { $set: { 'channel.views': 1 } });

    const report = await t.app.get(CountersReconcileService).reconcile({ videos: [uploaded] });

    expect(report.checked).toEqual({ videos: 1, comments: 0, posts: 0, users: 1 });
    expect(report.corrected).toEqual(
      correctedOnly({ 'videos.commentsCount': 1, 'users.channel.views': 1 }),
    );
    const { stored: after } = await snapshotCounters(t);
    expect(after[`videos.${uploaded}.commentsCount`]).toBe(3);
    expect(after[`videos.${stored}.commentsCount`]).toBe(40);
    expect(after[`users.${fan.id}.channel.views`]).toBe(1);
    await reconcileAll();
    await expectCountersTrue(t);
  });

  it('walks in bounded batches and still repairs every document', async () => {
    for (let i = 0; i < 4; i++) await insertVideo(t, other.id, { views: i });
    const count = await collection('videos').countDocuments();
    expect(count).toBe(7);
    await collection('videos').updateMany({}, { $set: { likesCount: 9 } });
    const finds: { filter: unknown; limit: unknown }[] = [];
    const client = t.connection.getClient();
    const listener = (event: { commandName: string; command: Record<string, unknown> }): void => {
      if (event.commandName === 'find' && event.command.find === 'videos')
        finds.push({ filter: event.command.filter, limit: event.command.limit });
    };
    client.on('commandStarted', listener);
    try {
      const report = await reconcileAll({ batchSize: 2 });
      expect(report.checked.videos).toBe(7);
      expect(report.corrected['videos.likesCount']).toBe(7);
    } finally {
      client.off('commandStarted', listener);
    }
    // 2 + 2 + 2 + 1: four reads of at most two videos, each starting after the last one read.
    const walk = finds.filter(({ limit }) => limit === 2);
    expect(walk).toHaveLength(4);
    expect(finds.every(({ limit }) => typeof limit === 'number' && limit <= 2)).toBe(true);
    expect(walk[0].filter).toEqual({});
    for (const read of walk.slice(1))
      expect(read.filter).toEqual({ _id: { $gt: expect.any(Types.ObjectId) } });
    await expectCountersTrue(t);
  });

  it('runs as `npm run reconcile`: the report as JSON on stdout, exit 0', async () => {
    await collection('videos').updateOne({ _id: oid(uploaded) }, { $set: { likesCount: 11 } });
    await collection('users').updateOne({ _id: oid(other.id) }, { $unset: { channel: '' } });
    // A transcode a serving instance is running: the command must leave it to that instance.
    await collection('videos').updateOne(
      { _id: oid(stored) },
      { $set: { processing: { state: 'processing', progress: 40, error: null, runId: 'run-1' } } },
    );

    const { code, stdout, stderr } = await runCommand({ MONGODB_URI: t.config.database.uri ?? '' });

    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(stdout) as ReconcileReport;
    expect(report.checked).toEqual({ videos: 7, comments: 4, posts: 1, users: 3 });
    expect(report.corrected['videos.likesCount']).toBe(1);
    // `other` follows two users and owns four videos, with views 0 + 1 + 2 + 3.
    expect(report.corrected).toMatchObject({
      'users.channel.following': 1,
      'users.channel.videos': 1,
      'users.channel.views': 1,
    });
    expect(stderr).toContain('Counters reconciled in');
    expect(await collection('videos').findOne({ _id: oid(stored) })).toMatchObject({
      processing: { state: 'processing', progress: 40, runId: 'run-1' },
    });
    await expectCountersTrue(t);
  }, 120_000);

  it('exits 1 with the reason when it cannot run', async () => {
    const { code, stdout, stderr } = await runCommand({ COUNTERS_RECONCILE_BATCH_SIZE: '0' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'COUNTERS_RECONCILE_BATCH_SIZE must be an integer between 1 and 10000',
    );
  }, 120_000);
});

describe('counters reconcile schedule', () => {
  it('is off in tests unless asked for', async () => {
    const t = await createTestApp();
    try {
      expect(t.config.counters.reconcileIntervalMinutes).toBe(0);
      expect(t.app.get(CountersReconcileScheduler).isScheduled()).toBe(false);
    } finally {
      await t.close();
    }
  });

  it('runs on its interval when asked, never two runs at once, and stops with the application', async () => {
    const t = await createTestApp({ COUNTERS_RECONCILE_INTERVAL_MINUTES: '5' });
    let closed = false;
    try {
      expect(t.app.get(CountersReconcileScheduler).isScheduled()).toBe(true);
      const [user] = await createVerifiedUsers(t, 1);
      const video = await insertVideo(t, user.id, { views: 4 });
      await t.connection
        .collection('videos')
        .updateOne({ _id: oid(video) }, { $set: { likesCount: 3 } });
      const service = t.app.get(CountersReconcileService);
      const runs = jest.spyOn(service, 'reconcileAll');
      const scheduler = t.app.get(CountersReconcileScheduler);

      // Two ticks while the first run is under way: one run.
      await Promise.all([scheduler.tick(), scheduler.tick()]);
      expect(runs).toHaveBeenCalledTimes(1);
      await expectCountersTrue(t);

      // A tick whose run is still going when the application closes ends quietly.
      const pending = scheduler.tick();
      await t.close();
      closed = true;
      await expect(pending).resolves.toBeUndefined();
      expect(runs).toHaveBeenCalledTimes(2);
    } finally {
      if (!closed) await t.close();
    }
  });
});
