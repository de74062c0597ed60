import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Types } from 'mongoose';
import request from 'supertest';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import { VideoProcessingService } from 'src/modules/videos/video-processing.service';
import { RELAXED_LIMITS } from 'test/auth/helpers';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { makeMp4 } from 'test/fixtures/ffmpeg.fixture';
import { tinyPng } from 'test/fixtures/media.fixture';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import { filesIn } from 'test/videos/video-test.util';

const SECRET = 'video-processing-lease-test-secret-0123456789abc';
const DEADLINE_MS = 90_000;
/** A lease of 3 s, renewed every second: long runs outlive it many times over. */
const LEASE_SECONDS = '3';

interface StoredProcessing {
  state: string;
  runId: string | null;
  checkAt: Date | null;
  outputKey: string | null;
}

/**
 * Processing leases (docs/architecture.md, "Processing pipeline"): a local run holds its video
 * by renewing `processing.checkAt`; another instance's boot or sweep never takes a live run
 * (before leases, a second boot restarted it and the first run's work was thrown away), and a
 * run whose process died is taken over once its lease passes, its half-written folder removed.
 */
describe('video processing leases (two instances on one database)', () => {
  jest.setTimeout(150_000);
  let a: TestApp;
  let b: TestApp;
  let owner: TestUser;
  let clip: Buffer;

  beforeAll(async () => {
    const env = {
      ...RELAXED_LIMITS,
      JWT_ACCESS_SECRET: SECRET,
      VIDEO_TRANSCODING: 'auto',
      VIDEO_PROCESSING_LEASE_SECONDS: LEASE_SECONDS,
    };
    a = await createTestApp(env);
    b = await createTestApp({
      ...env,
      MONGODB_URI: a.config.database.uri!,
      MEDIA_LOCAL_DIR: a.config.media.localDir,
      UPLOAD_TMP_DIR: a.config.media.uploadTmpDir,
      RESUMABLE_UPLOAD_DIR: a.config.media.resumable.dir,
    });
    owner = await createVerifiedUser(a);
    const path = join(a.dir, 'clip.mp4');
    await makeMp4(path, { seconds: 40, width: 320, height: 240 });
    clip = await readFile(path);
  }, 90_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const hlsDir = (): string => join(a.config.media.localDir, 'hls');
  const stored = async (videoId: string): Promise<StoredProcessing> => {
    const video = await a.connection
      .collection('videos')
      .findOne({ _id: new Types.ObjectId(videoId) });
    return video?.processing as StoredProcessing;
  };
  const upload = async (): Promise<string> => {
    const res = await request(a.app.getHttpServer())
      .post('/api/v1/video')
      .set('Authorization', owner.authHeader)
      .field('title', 'Leased')
      .attach('video', clip, 'clip.mp4')
      .attach('thumbnail', tinyPng(), 'thumb.png');
    expect(res.status).toBe(201);
    return (res.body.data as { _id: string })._id;
  };
  const waitFor = async (what: string, test: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + DEADLINE_MS;
    while (!(await test())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('a live run is renewed and never taken by the other instance, and ends ready once', async () => {
    const videoId = await upload();
    await waitFor('A to transcode', async () => {
      const segments = (await filesIn(hlsDir())).filter((file) => file.endsWith('.ts'));
      return (await stored(videoId)).state === 'processing' && segments.length > 0;
    });
    const first = await stored(videoId);
    expect(first.checkAt).toBeInstanceOf(Date);
    expect(first.outputKey).toMatch(/^hls\/[0-9a-f-]{36}$/);

    // B boots (its pick-up) and sweeps, now and after A's lease has been renewed past its first term.
    await b.app.get(VideoProcessingService).resumeUnfinished();
    await b.app.get(VideoProcessingService).requeueExpired();
    await b.app.get(JobQueues).idle();
    await new Promise((resolve) => setTimeout(resolve, Number(LEASE_SECONDS) * 1000 + 500));
    const renewed = await stored(videoId);
    if (renewed.state === 'processing') {
      expect(renewed.checkAt!.getTime()).toBeGreaterThan(first.checkAt!.getTime());
      await b.app.get(VideoProcessingService).requeueExpired();
      await b.app.get(JobQueues).idle();
    }
    expect((await stored(videoId)).runId ?? first.runId).toBe(first.runId);

    await waitFor('ready', async () => (await stored(videoId)).state === 'ready');
    const done = await stored(videoId);
    expect(done).toMatchObject({ state: 'ready', runId: null, checkAt: null, outputKey: null });
    // A's folder is the only one: nobody restarted the run.
    expect(await readdir(hlsDir())).toEqual([first.outputKey!.slice('hls/'.length)]);
    await a.app.get(JobQueues).idle();
    await b.app.get(JobQueues).idle();
    expect(
      await a.connection
        .collection('notifications')
        .countDocuments({ subject: new Types.ObjectId(videoId), type: 'video_ready' }),
    ).toBe(1);
    await rm(join(a.config.media.localDir, first.outputKey!), { recursive: true, force: true });
  });

  it('a run whose process died is taken over once its lease passes, its folder removed', async () => {
    const videoId = await upload();
    await waitFor('A to start', async () => (await stored(videoId)).state === 'processing');
    // Simulate A's process dying mid-run: its run and half-written folder stay, unrenewed.
    await a.app.get(VideoProcessingService).cancel(videoId);
    const deadFolder = `hls/${randomUUID()}`;
    await mkdir(join(a.config.media.localDir, deadFolder), { recursive: true });
    await writeFile(join(a.config.media.localDir, deadFolder, 'v0_000.ts'), 'partial');
    const expired = new Date(Date.now() - 1000);
    await a.connection.collection('videos').updateOne(
      { _id: new Types.ObjectId(videoId) },
      {
        $set: {
          'processing.state': 'processing',
          'processing.runId': 'dead-run',
          'processing.checkAt': new Date(Date.now() + 60_000),
          'processing.outputKey': deadFolder,
          hls: null,
        },
      },
    );
    // Still within its lease: B leaves it.
    await b.app.get(VideoProcessingService).requeueExpired();
    await b.app.get(JobQueues).idle();
    expect((await stored(videoId)).runId).toBe('dead-run');

    await a.connection
      .collection('videos')
      .updateOne({ _id: new Types.ObjectId(videoId) }, { $set: { 'processing.checkAt': expired } });
    await b.app.get(VideoProcessingService).requeueExpired();
    await waitFor('B to take over', async () => (await stored(videoId)).runId !== 'dead-run');
    await waitFor('ready', async () => (await stored(videoId)).state === 'ready');
    // The dead run's folder is gone; the one left is B's run's.
    const folders = await readdir(hlsDir());
    expect(folders).not.toContain(deadFolder.slice('hls/'.length));
    expect(folders).toHaveLength(1);
  });
});
