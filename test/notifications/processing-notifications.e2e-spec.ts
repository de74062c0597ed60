import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import { VideoProcessingService } from 'src/modules/videos/video-processing.service';
import { RELAXED_LIMITS } from 'test/auth/helpers';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { makeMp4 } from 'test/fixtures/ffmpeg.fixture';
import { tinyMp4, tinyPng } from 'test/fixtures/media.fixture';
import { type OpenStream, openStream } from 'test/notifications/notification-stream.util';
import { api, expectSuccess, ISO_DATE, OBJECT_ID } from 'test/utils/contract';
import { listeningPort } from 'test/utils/raw-http';
import { createTestApp, type TestApp } from 'test/utils/test-app';

const BASE = '/api/v1/notifications';
/** How long a transcode of a few seconds of video may take on a loaded 2-core machine. */
const DEADLINE_MS = 120_000;

type State = 'queued' | 'processing' | 'ready' | 'failed';

interface Card {
  _id: string;
  title: string;
  videoFile: { url: string; hlsUrl: string | null };
  processing: { state: State; progress: number; error: string | null } | null;
}

interface Item {
  _id: string;
  type: string;
  actors: unknown[];
  actorCount: number;
  subject: { kind: string; _id: string; title?: string; excerpt?: string };
  read: boolean;
  createdAt: string;
  updatedAt: string;
}

const oid = (id: string): Types.ObjectId => new Types.ObjectId(id);

/**
 * Issue 16, last bullet: a processing run that ends tells the video's owner (`video_ready`,
 * `video_processing_failed`), through the real app, the real queues and the real ffmpeg.
 */
describe('processing notifications (the owner is told when processing ends)', () => {
  let t: TestApp;
  let port: number;
  let clip: Buffer;
  let clipPath: string;

  beforeAll(async () => {
    t = await createTestApp({ ...RELAXED_LIMITS, VIDEO_TRANSCODING: 'auto' });
    port = await listeningPort(t);
    clipPath = join(t.dir, 'clip.mp4');
    await makeMp4(clipPath, { seconds: 2, width: 320, height: 240, audio: false });
    clip = await readFile(clipPath);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  /** Every background job (processing, then the notification write) has finished. */
  const settle = (): Promise<void> => t.app.get(JobQueues).idle();

  const as = (user: TestUser) => ({
    get: (path: string) => api(t).get(path).set('Authorization', user.authHeader),
    post: (path: string) => api(t).post(path).set('Authorization', user.authHeader),
    patch: (path: string) => api(t).patch(path).set('Authorization', user.authHeader),
    delete: (path: string) => api(t).delete(path).set('Authorization', user.authHeader),
  });

  const upload = async (owner: TestUser, video: Buffer, title: string): Promise<Card> => {
    const res = await as(owner)
      .post('/api/v1/video')
      .field('title', title)
      .field('isPublished', 'true')
      .attach('video', video, 'clip.mp4')
      .attach('thumbnail', tinyPng(), 'thumb.png');
    expect(res.status).toBe(201);
    return res.body.data as Card;
  };

  /** Polls the owner's view until processing is ready or failed (a deadline, not a timing). */
  const finished = async (owner: TestUser, videoId: string): Promise<Card> => {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const res = await as(owner).get(`/api/v1/video/${videoId}`);
      expect(res.status).toBe(200);
      const card = res.body.data as Card;
      if (card.processing?.state === 'ready' || card.processing?.state === 'failed') {
        await settle();
        return card;
      }
      if (Date.now() > deadline)
        throw new Error(`video ${videoId} still ${JSON.stringify(card.processing)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const inbox = async (user: TestUser): Promise<Item[]> => {
    await settle();
    const res = await as(user).get(BASE);
    expectSuccess(res, 200, 'Notifications fetched successfully');
    return (res.body.data as { docs: Item[] }).docs;
  };

  const unread = async (user: TestUser): Promise<number> => {
    await settle();
    const res = await as(user).get(`${BASE}/unread-count`);
    expectSuccess(res, 200, 'Unread count fetched successfully');
    return (res.body.data as { count: number }).count;
  };

  /** Stored notifications about a video, whoever they are for. */
  const storedAbout = (videoId: string): Promise<number> =>
    t.connection.collection('notifications').countDocuments({ subject: oid(videoId) });

  const storedFor = (userId: string): Promise<number> =>
    t.connection.collection('notifications').countDocuments({ recipient: oid(userId) });

  const retry = (owner: TestUser, videoId: string) =>
    as(owner).post(`/api/v1/video/${videoId}/processing/retry`).expect(200);

  it('tells the owner, and only the owner, that the video is ready; the list and the stream show it', async () => {
    const owner = await createVerifiedUser(t);
    const other = await createVerifiedUser(t);
    const stream: OpenStream = await openStream(port, owner);
    try {
      await stream.next((event) => event.type === 'unread-count');
      const from = stream.events.length;
      const card = await upload(owner, clip, 'Salsa  shines\n240p');
      // Nothing before the run ends.
      expect(card.processing?.state).toBe('queued');
      const ready = await finished(owner, card._id);
      expect(ready.processing?.state).toBe('ready');

      const items = await inbox(owner);
      expect(items).toEqual([
        {
          _id: expect.stringMatching(OBJECT_ID) as string,
          type: 'video_ready',
          actors: [],
          actorCount: 0,
          subject: { kind: 'video', _id: card._id, title: 'Salsa shines 240p' },
          read: false,
          createdAt: expect.stringMatching(ISO_DATE) as string,
          updatedAt: expect.stringMatching(ISO_DATE) as string,
        },
      ]);
      expect(await unread(owner)).toBe(1);
      expect(await inbox(other)).toEqual([]);
      expect(await storedFor(other.id)).toBe(0);
      expect(await storedAbout(card._id)).toBe(1);

      // The stream sends the item exactly as the list shows it, then the count.
      const event = await stream.next((e) => e.type === 'notification', from);
      expect(event.data).toEqual(items[0]);
      const count = await stream.next(
        (e) => e.type === 'unread-count' && (e.data as { count: number }).count === 1,
        from,
      );
      expect(count.data).toEqual({ count: 1 });
    } finally {
      stream.close();
    }
  });

  it('tells the owner a run failed; a retry that fails again refreshes the same item, unread', async () => {
    const owner = await createVerifiedUser(t);
    const card = await upload(owner, tinyMp4(), 'Broken');
    const failed = await finished(owner, card._id);
    expect(failed.processing?.state).toBe('failed');

    const [first] = await inbox(owner);
    expect(first).toMatchObject({
      type: 'video_processing_failed',
      actors: [],
      actorCount: 0,
      subject: { kind: 'video', _id: card._id, title: 'Broken' },
      read: false,
    });
    expect(await unread(owner)).toBe(1);
    await as(owner).post(`${BASE}/${first._id}/read`).expect(200);
    expect(await unread(owner)).toBe(0);

    await retry(owner, card._id);
    expect((await finished(owner, card._id)).processing?.state).toBe('failed');
    const items = await inbox(owner);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      _id: first._id,
      type: 'video_processing_failed',
      read: false,
      createdAt: first.createdAt,
    });
    expect(Date.parse(items[0].updatedAt)).toBeGreaterThanOrEqual(Date.parse(first.updatedAt));
    expect(await unread(owner)).toBe(1);
    expect(await storedAbout(card._id)).toBe(1);
  });

  it('replaces the failure with video_ready when a retry succeeds; a re-run refreshes it', async () => {
    const owner = await createVerifiedUser(t);
    const card = await upload(owner, tinyMp4(), 'Fixed later');
    expect((await finished(owner, card._id)).processing?.state).toBe('failed');
    expect((await inbox(owner)).map((item) => item.type)).toEqual(['video_processing_failed']);

    // The stored MP4 replaced by a decodable one (as an operator's repair would), then a retry.
    const stored = join(
      t.config.media.localDir,
      new URL(card.videoFile.url).pathname.replace(/^\/media\//, ''),
    );
    await copyFile(clipPath, stored);
    await retry(owner, card._id);
    expect((await finished(owner, card._id)).processing?.state).toBe('ready');
    const [ready, ...rest] = await inbox(owner);
    expect(rest).toEqual([]);
    expect(ready).toMatchObject({ type: 'video_ready', subject: { _id: card._id }, read: false });
    expect(await unread(owner)).toBe(1);

    // A run picked up again after a restart ends ready again: still the one item.
    await t.connection
      .collection('videos')
      .updateOne(
        { _id: oid(card._id) },
        { $set: { 'processing.state': 'processing', 'processing.runId': 'gone', hls: null } },
      );
    await t.app.get(VideoProcessingService).resumeUnfinished();
    expect((await finished(owner, card._id)).processing?.state).toBe('ready');
    const again = await inbox(owner);
    expect(again.map((item) => [item._id, item.type])).toEqual([[ready._id, 'video_ready']]);
    expect(await storedAbout(card._id)).toBe(1);
  });

  it('stores nothing when the owner turned the types off', async () => {
    const owner = await createVerifiedUser(t);
    const res = await as(owner)
      .patch(`${BASE}/preferences`)
      .send({ video_ready: { inApp: false }, video_processing_failed: { inApp: false } });
    expectSuccess(res, 200, 'Notification preferences updated successfully');
    expect(res.body.data).toMatchObject({
      video_ready: { inApp: false },
      video_processing_failed: { inApp: false },
      new_video: { inApp: true },
    });
    const good = await upload(owner, clip, 'Quiet ready');
    const bad = await upload(owner, tinyMp4(), 'Quiet failure');
    expect((await finished(owner, good._id)).processing?.state).toBe('ready');
    expect((await finished(owner, bad._id)).processing?.state).toBe('failed');
    expect(await storedFor(owner.id)).toBe(0);
    expect(await unread(owner)).toBe(0);

    // Turned back on: the next run's outcome arrives.
    await as(owner)
      .patch(`${BASE}/preferences`)
      .send({ video_processing_failed: { inApp: true } })
      .expect(200);
    await retry(owner, bad._id);
    expect((await finished(owner, bad._id)).processing?.state).toBe('failed');
    expect((await inbox(owner)).map((item) => item.type)).toEqual(['video_processing_failed']);
  });

  it('removes the processing notifications with their video', async () => {
    const owner = await createVerifiedUser(t);
    const failedVideo = await upload(owner, tinyMp4(), 'Gone soon');
    const readyVideo = await upload(owner, clip, 'Gone too');
    await finished(owner, failedVideo._id);
    await finished(owner, readyVideo._id);
    expect((await inbox(owner)).map((item) => item.type).sort()).toEqual([
      'video_processing_failed',
      'video_ready',
    ]);
    await as(owner).delete(`/api/v1/video/${failedVideo._id}`).expect(200);
    await as(owner).delete(`/api/v1/video/${readyVideo._id}`).expect(200);
    expect(await inbox(owner)).toEqual([]);
    expect(await storedAbout(failedVideo._id)).toBe(0);
    expect(await storedAbout(readyVideo._id)).toBe(0);
    expect(await unread(owner)).toBe(0);
  });
});

describe('processing notifications without a transcoder', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ VIDEO_TRANSCODING: 'auto', FFMPEG_PATH: '/nonexistent/ffmpeg' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends nothing for a video that is ready at once (no run)', async () => {
    const owner = await createVerifiedUser(t);
    const res = await api(t)
      .post('/api/v1/video')
      .set('Authorization', owner.authHeader)
      .field('title', 'MP4 only')
      .attach('video', tinyMp4(), 'clip.mp4')
      .attach('thumbnail', tinyPng(), 'thumb.png');
    expect(res.status).toBe(201);
    expect((res.body.data as Card).processing?.state).toBe('ready');
    await t.app.get(JobQueues).idle();
    expect(
      await t.connection.collection('notifications').countDocuments({ recipient: oid(owner.id) }),
    ).toBe(0);
  });
});
