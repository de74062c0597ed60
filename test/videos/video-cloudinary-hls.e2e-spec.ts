import { Types } from 'mongoose';
import request from 'supertest';
import { DomainEvents } from 'src/common/events/domain-events';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import { VideoProcessingService } from 'src/modules/videos/video-processing.service';
import { RELAXED_LIMITS } from 'test/auth/helpers';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import {
  type FakeCloudinaryNotification,
  FakeCloudinaryServer,
} from 'test/fakes/fake-cloudinary.server';
import { tinyMp4, tinyPng } from 'test/fixtures/media.fixture';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import { expectError, expectNoInternalFields, expectSuccess } from 'test/videos/video-test.util';

interface Card {
  _id: string;
  videoFile: { url: string; hlsUrl: string | null };
  processing: { state: string; progress: number; error: string | null } | null;
}

const WEBHOOK = '/api/v1/webhooks/cloudinary';
const NOTIFICATION_URL = `https://api.dancely.test${WEBHOOK}`;
const MINUTE = 60_000;

const cloudinaryEnv = (fake: FakeCloudinaryServer): Record<string, string> => ({
  ...RELAXED_LIMITS,
  ...fake.appEnv,
  VIDEO_TRANSCODING: 'auto',
});

async function uploadVideo(t: TestApp, owner: TestUser): Promise<Card> {
  const res = await request(t.app.getHttpServer())
    .post('/api/v1/video')
    .set('Authorization', owner.authHeader)
    .field('title', 'Cloud HLS')
    .field('isPublished', 'true')
    .attach('video', tinyMp4({ durationSeconds: 2.5 }), 'clip.mp4')
    .attach('thumbnail', tinyPng(), 'thumb.png');
  expect(res.status).toBe(201);
  return res.body.data as Card;
}

async function getVideo(t: TestApp, videoId: string, as: TestUser | null): Promise<Card> {
  let req = request(t.app.getHttpServer()).get(`/api/v1/video/${videoId}`);
  if (as) req = req.set('Authorization', as.authHeader);
  const res = await req;
  expect(res.status).toBe(200);
  expectNoInternalFields(res.body);
  return res.body.data as Card;
}

/** Delivers a notification to the app the way Cloudinary POSTs it: the exact bytes, to its URL's path and query. */
function deliver(t: TestApp, notification: FakeCloudinaryNotification) {
  const url = new URL(notification.url);
  return request(t.app.getHttpServer())
    .post(`${url.pathname}${url.search}`)
    .set(notification.headers)
    .send(notification.body);
}

/**
 * Issue 16, Cloudinary: the HLS renditions are an eager streaming-profile derivative, requested
 * off the request path with the real SDK against the fake Cloudinary, completed by a signed
 * notification or by polling the Admin API (docs/api.md#processing).
 */
describe('Cloudinary HLS (eager streaming profile)', () => {
  let fake: FakeCloudinaryServer;
  let t: TestApp;
  let owner: TestUser;

  beforeAll(async () => {
    fake = await FakeCloudinaryServer.start();
    t = await createTestApp({
      ...cloudinaryEnv(fake),
      CLOUDINARY_NOTIFICATION_URL: NOTIFICATION_URL,
    });
    owner = await createVerifiedUser(t);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  const processing = (): VideoProcessingService => t.app.get(VideoProcessingService);
  const idle = (): Promise<void> => t.app.get(JobQueues).idle();
  const notificationsAbout = (videoId: string) =>
    t.connection
      .collection('notifications')
      .find({ subject: new Types.ObjectId(videoId) })
      .toArray();

  /** Uploads, lets the processing job ask Cloudinary, and returns the video and its derivation. */
  const uploadAndRequest = async () => {
    const card = await uploadVideo(t, owner);
    await idle();
    const derivation = fake.derivations.at(-1);
    expect(derivation).toBeDefined();
    return { card, derivation: derivation! };
  };

  it('asks for the streaming profile off the request path and turns ready on the signed notification', async () => {
    const card = await uploadVideo(t, owner);
    expect(card.processing).toEqual({ state: 'queued', progress: 0, error: null });
    expect(card.videoFile.hlsUrl).toBeNull();
    await idle();

    const videoUpload = fake.uploads.find((upload) => upload.resourceType === 'video');
    expect(fake.derivations).toHaveLength(1);
    const [derivation] = fake.derivations;
    expect(derivation).toMatchObject({
      resourceType: 'video',
      publicId: videoUpload?.publicId,
      transformation: 'sp_hd/m3u8',
      status: 'processing',
    });
    const callback = new URL(derivation.notificationUrl!);
    expect(`${callback.origin}${callback.pathname}`).toBe(NOTIFICATION_URL);
    expect(callback.searchParams.get('video')).toBe(card._id);
    expect(callback.searchParams.get('run')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await getVideo(t, card._id, owner)).processing?.state).toBe('processing');

    const res = await deliver(t, fake.completeDerivation(derivation.publicId)!);
    expectSuccess(res, 200, 'Notification received');

    const ready = await getVideo(t, card._id, owner);
    expect(ready.processing).toEqual({ state: 'ready', progress: 100, error: null });
    expect(ready.videoFile.hlsUrl).toBe(derivation.secureUrl);
    expect(ready.videoFile.hlsUrl).toMatch(
      /^https:\/\/res\.cloudinary\.com\/[^/]+\/video\/upload\/sp_hd\/v\d+\/videos\/[0-9a-f]+\.m3u8$/,
    );
    // Everyone sees the ready video's playlist; the owner is told once.
    expect((await getVideo(t, card._id, null)).videoFile.hlsUrl).toBe(derivation.secureUrl);
    await idle();
    expect((await notificationsAbout(card._id)).map((item) => String(item.type))).toEqual([
      'video_ready',
    ]);
  });

  it('changes nothing more when the same notification is replayed', async () => {
    const { card, derivation } = await uploadAndRequest();
    const notification = fake.completeDerivation(derivation.publicId)!;
    expectSuccess(await deliver(t, notification), 200, 'Notification received');
    await idle();
    const before = await t.connection
      .collection('videos')
      .findOne({ _id: new Types.ObjectId(card._id) });

    expectSuccess(await deliver(t, notification), 200, 'Notification received');
    await idle();
    const after = await t.connection
      .collection('videos')
      .findOne({ _id: new Types.ObjectId(card._id) });
    expect(after).toEqual(before);
    expect(await notificationsAbout(card._id)).toHaveLength(1);
  });

  it('settles once when the same notification arrives twice at the same moment', async () => {
    const { card, derivation } = await uploadAndRequest();
    const notification = fake.completeDerivation(derivation.publicId)!;
    // Observed, not replaced: how often a run's end is announced (the owner's notification is
    // grouped per video, so it alone could not tell one announcement from two).
    const publish = jest.spyOn(t.app.get(DomainEvents), 'publish');
    const answers = await Promise.all([deliver(t, notification), deliver(t, notification)]);
    for (const res of answers) expectSuccess(res, 200, 'Notification received');
    await idle();
    expect(publish.mock.calls.filter(([name]) => name === 'video.processed')).toHaveLength(1);
    publish.mockRestore();
    expect((await getVideo(t, card._id, owner)).videoFile.hlsUrl).toBe(derivation.secureUrl);
    expect((await notificationsAbout(card._id)).map((item) => String(item.type))).toEqual([
      'video_ready',
    ]);
  });

  describe('an attacker posting to the webhook', () => {
    it('is refused 401 with a wrong signature, a stale timestamp or none, and changes nothing', async () => {
      const { card, derivation } = await uploadAndRequest();
      const genuine = fake.completeDerivation(derivation.publicId)!;
      const forged = {
        ...genuine,
        headers: { ...genuine.headers, 'X-Cld-Signature': 'a'.repeat(40) },
      };
      const tampered = { ...genuine, body: genuine.body.replace('"eager"', '"eager" ') };
      const threeHoursAgo = Math.floor(Date.now() / 1000) - 3 * 3600;
      const stale = fake.signedNotification(
        genuine.url,
        JSON.parse(genuine.body) as object,
        threeHoursAgo,
      );
      const inAnHourAndAHalf = Math.floor(Date.now() / 1000) + 3 * 3600;
      const future = fake.signedNotification(
        genuine.url,
        JSON.parse(genuine.body) as object,
        inAnHourAndAHalf,
      );
      // Signed with the secret an unconfigured (empty) secret would give.
      const emptySecret = {
        ...genuine,
        headers: {
          ...genuine.headers,
          'X-Cld-Signature': (await import('node:crypto'))
            .createHash('sha1')
            .update(genuine.body + genuine.headers['X-Cld-Timestamp'])
            .digest('hex'),
        },
      };

      for (const attempt of [forged, tampered, stale, future, emptySecret]) {
        expectError(
          await deliver(t, attempt),
          401,
          'UNAUTHORIZED',
          'Invalid notification signature',
        );
      }
      const url = new URL(genuine.url);
      expectError(
        await request(t.app.getHttpServer())
          .post(`${url.pathname}${url.search}`)
          .set('Content-Type', 'application/json')
          .send(genuine.body),
        401,
        'UNAUTHORIZED',
        'Invalid notification signature',
      );
      expect((await getVideo(t, card._id, owner)).processing?.state).toBe('processing');
    });

    it('cannot settle one video with a genuine notification about another, nor an old run', async () => {
      const first = await uploadAndRequest();
      const second = await uploadAndRequest();
      const aboutFirst = fake.completeDerivation(first.derivation.publicId)!;
      const secondUrl = new URL(second.derivation.notificationUrl!);
      // The first video's signed notification, sent to the second video's URL.
      const redirected = { ...aboutFirst, url: secondUrl.toString() };
      expectSuccess(await deliver(t, redirected), 200, 'Notification received');
      expect((await getVideo(t, second.card._id, owner)).processing?.state).toBe('processing');
      // The right video with a run that does not hold it.
      const otherRun = new URL(aboutFirst.url);
      otherRun.searchParams.set('run', '00000000-0000-4000-8000-000000000000');
      expectSuccess(
        await deliver(t, { ...aboutFirst, url: otherRun.toString() }),
        200,
        'Notification received',
      );
      expect((await getVideo(t, first.card._id, owner)).processing?.state).toBe('processing');
    });

    it('gets 400 for a malformed target, 415 for another content type, 413 for a huge body', async () => {
      const { derivation } = await uploadAndRequest();
      const genuine = fake.completeDerivation(derivation.publicId)!;
      const res = await request(t.app.getHttpServer())
        .post(`${WEBHOOK}?video=not-an-id&run=nope`)
        .set(genuine.headers)
        .send(genuine.body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');

      const url = new URL(genuine.url);
      const asText = await request(t.app.getHttpServer())
        .post(`${url.pathname}${url.search}`)
        .set({ ...genuine.headers, 'Content-Type': 'text/plain' })
        .send(genuine.body);
      expectError(asText, 415, 'UNSUPPORTED_MEDIA_TYPE');

      const huge = fake.signedNotification(genuine.url, {
        notification_type: 'eager',
        pad: 'x'.repeat(70_000),
      });
      expectError(await deliver(t, huge), 413, 'PAYLOAD_TOO_LARGE');
    });
  });

  it('fails on a failure notification, tells the owner, and a retry asks again with a new run', async () => {
    const { card, derivation } = await uploadAndRequest();
    const failure = fake.completeDerivation(derivation.publicId, { fail: 'Video is too long' })!;
    expectSuccess(await deliver(t, failure), 200, 'Notification received');
    const failed = await getVideo(t, card._id, owner);
    expect(failed.processing).toEqual({
      state: 'failed',
      progress: 0,
      error: 'The video could not be processed',
    });
    expect(failed.videoFile.hlsUrl).toBeNull();
    await idle();
    expect((await notificationsAbout(card._id)).map((item) => String(item.type))).toEqual([
      'video_processing_failed',
    ]);

    const retry = await request(t.app.getHttpServer())
      .post(`/api/v1/video/${card._id}/processing/retry`)
      .set('Authorization', owner.authHeader);
    expectSuccess(retry, 200, 'Video processing restarted');
    await idle();
    expect(fake.derivations).toHaveLength(2);
    const again = fake.derivations[1];
    const firstRun = new URL(derivation.notificationUrl!).searchParams.get('run');
    expect(new URL(again.notificationUrl!).searchParams.get('run')).not.toBe(firstRun);

    // The first run's failure, replayed, no longer counts.
    expectSuccess(await deliver(t, failure), 200, 'Notification received');
    expect((await getVideo(t, card._id, owner)).processing?.state).toBe('processing');
    expectSuccess(
      await deliver(t, fake.completeDerivation(again.publicId)!),
      200,
      'Notification received',
    );
    expect((await getVideo(t, card._id, owner)).videoFile.hlsUrl).toBe(again.secureUrl);
  });

  it('fails cleanly when Cloudinary refuses the request, and can be retried', async () => {
    const card = await uploadVideo(t, owner);
    fake.failNext(500, 'General error'); // the explicit call
    await idle();
    expect(fake.derivations).toHaveLength(0);
    const failed = await getVideo(t, card._id, owner);
    expect(failed.processing).toEqual({ state: 'failed', progress: 0, error: 'Processing failed' });

    await request(t.app.getHttpServer())
      .post(`/api/v1/video/${card._id}/processing/retry`)
      .set('Authorization', owner.authHeader)
      .expect(200);
    await idle();
    expect(fake.derivations).toHaveLength(1);
  });

  describe('polling (no notification arrived)', () => {
    /** Admin API reads about one asset (runs other tests left pending are polled too). */
    const readsOf = (publicId: string): string[] =>
      fake.resourceReads.filter((id) => id === publicId);

    it('finds the ready derivative at the Admin API once its check is due', async () => {
      const { card, derivation } = await uploadAndRequest();
      // Not due yet: the first check comes one poll interval after the request.
      await processing().pollDerivatives(new Date());
      expect(readsOf(derivation.publicId)).toEqual([]);
      // Due, still pending: asked once, still processing.
      await processing().pollDerivatives(new Date(Date.now() + MINUTE));
      expect(readsOf(derivation.publicId)).toHaveLength(1);
      expect((await getVideo(t, card._id, owner)).processing?.state).toBe('processing');

      fake.completeDerivation(derivation.publicId);
      // The check just taken moved the next one on: the same instant finds nothing due.
      await processing().pollDerivatives(new Date(Date.now() + MINUTE));
      expect(readsOf(derivation.publicId)).toHaveLength(1);
      await processing().pollDerivatives(new Date(Date.now() + 2 * MINUTE));
      const ready = await getVideo(t, card._id, owner);
      expect(ready.processing?.state).toBe('ready');
      expect(ready.videoFile.hlsUrl).toBe(derivation.secureUrl);
    });

    it('two pollers at once ask Cloudinary once per due run', async () => {
      const { derivation } = await uploadAndRequest();
      const at = new Date(Date.now() + MINUTE);
      await Promise.all([processing().pollDerivatives(at), processing().pollDerivatives(at)]);
      expect(readsOf(derivation.publicId)).toHaveLength(1);
      expect(new Set(fake.resourceReads).size).toBe(fake.resourceReads.length);
    });

    it('gives up after the timeout: failed, "Processing timed out"', async () => {
      const { card } = await uploadAndRequest();
      await processing().pollDerivatives(new Date(Date.now() + 121 * MINUTE));
      expect((await getVideo(t, card._id, owner)).processing).toEqual({
        state: 'failed',
        progress: 0,
        error: 'Processing timed out',
      });
    });

    it('fails a run whose asset is gone at Cloudinary', async () => {
      const { card, derivation } = await uploadAndRequest();
      fake.forget('video', derivation.publicId);
      await processing().pollDerivatives(new Date(Date.now() + MINUTE));
      expect((await getVideo(t, card._id, owner)).processing?.error).toBe(
        'The video file is missing',
      );
    });
  });

  it('deleting the video mid-processing removes the asset with its derivative; a late notification is ignored', async () => {
    const { card, derivation } = await uploadAndRequest();
    const late = fake.completeDerivation(derivation.publicId)!;
    await request(t.app.getHttpServer())
      .delete(`/api/v1/video/${card._id}`)
      .set('Authorization', owner.authHeader)
      .expect(200);
    expect(fake.has('video', derivation.publicId)).toBe(false);
    expect(fake.derivations).toEqual([]);
    expectSuccess(await deliver(t, late), 200, 'Notification received');
    expect(
      await t.connection.collection('videos').countDocuments({ _id: new Types.ObjectId(card._id) }),
    ).toBe(0);
    expect(await notificationsAbout(card._id)).toEqual([]);
  });

  it('leaves a waiting run to the poll after a restart, instead of asking again', async () => {
    const { card } = await uploadAndRequest();
    await processing().resumeUnfinished();
    await idle();
    expect(fake.derivations).toHaveLength(1);
    expect((await getVideo(t, card._id, owner)).processing?.state).toBe('processing');
  });
});

describe('Cloudinary HLS with the polling timer and no notification URL', () => {
  let fake: FakeCloudinaryServer;
  let t: TestApp;
  let owner: TestUser;

  beforeAll(async () => {
    fake = await FakeCloudinaryServer.start();
    t = await createTestApp({ ...cloudinaryEnv(fake), CLOUDINARY_HLS_POLL_SECONDS: '1' });
    owner = await createVerifiedUser(t);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('asks without a notification URL and turns ready by itself once Cloudinary is done', async () => {
    const card = await uploadVideo(t, owner);
    await t.app.get(JobQueues).idle();
    const [derivation] = fake.derivations;
    expect(derivation?.notificationUrl).toBeUndefined();
    expect(fake.completeDerivation(derivation.publicId)).toBeNull();

    const deadline = Date.now() + 15_000;
    let state = '';
    while (Date.now() < deadline) {
      state = (await getVideo(t, card._id, owner)).processing?.state ?? '';
      if (state === 'ready') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(state).toBe('ready');
    expect((await getVideo(t, card._id, null)).videoFile.hlsUrl).toBe(derivation.secureUrl);
  });
});

describe('the Cloudinary webhook on a server that stores locally', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses every notification: there is no secret to check it with', async () => {
    const body = JSON.stringify({ notification_type: 'eager', public_id: 'videos/x', eager: [] });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const { createHash } = await import('node:crypto');
    const res = await request(t.app.getHttpServer())
      .post(WEBHOOK)
      .set({
        'Content-Type': 'application/json',
        'X-Cld-Timestamp': timestamp,
        'X-Cld-Signature': createHash('sha1')
          .update(body + timestamp)
          .digest('hex'),
      })
      .send(body);
    expectError(res, 401, 'UNAUTHORIZED', 'Invalid notification signature');
  });
});
