import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import request from 'supertest';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import { Video } from 'src/modules/videos/schemas/video.schema';
import { VideoProcessingService } from 'src/modules/videos/video-processing.service';
import { RELAXED_LIMITS } from 'test/auth/helpers';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { makeMp4, probeStreams } from 'test/fixtures/ffmpeg.fixture';
import { tinyMp4, tinyPng } from 'test/fixtures/media.fixture';
import { createUpload, patchUpload } from 'test/uploads/tus-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import { expectError, expectVideoCard, filesIn, textParser } from 'test/videos/video-test.util';

interface Processing {
  state: 'queued' | 'processing' | 'ready' | 'failed';
  progress: number;
  error: string | null;
}
interface Card {
  _id: string;
  videoFile: { url: string; hlsUrl: string | null };
  processing: Processing | null;
  [key: string]: unknown;
}

/** How long a transcode of a few seconds of video may take on a loaded 2-core machine. */
const DEADLINE_MS = 120_000;

/**
 * Issue 16, step 3: processing after upload with the real ffmpeg (docs/api.md#processing) —
 * HLS renditions served under `/media`, the state machine, failure and retry, cancellation on
 * delete, the boot pick-up, and an app whose transcoder is absent.
 */
describe('video processing (HLS renditions with the system ffmpeg)', () => {
  let t: TestApp;
  let owner: TestUser;
  let other: TestUser;
  let clip720: Buffer;
  let clip240: Buffer;

  beforeAll(async () => {
    t = await createTestApp({ ...RELAXED_LIMITS, VIDEO_TRANSCODING: 'auto' });
    owner = await createVerifiedUser(t);
    other = await createVerifiedUser(t);
    await makeMp4(join(t.dir, '720.mp4'), { seconds: 3, width: 1280, height: 720 });
    await makeMp4(join(t.dir, '240.mp4'), { seconds: 2, width: 320, height: 240, audio: false });
    clip720 = await readFile(join(t.dir, '720.mp4'));
    clip240 = await readFile(join(t.dir, '240.mp4'));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const http = () => request(t.app.getHttpServer());
  const videos = (): Model<Video> => t.app.get<Model<Video>>(getModelToken(Video.name));
  const hlsDir = (): string => join(t.config.media.localDir, 'hls');

  const uploadMultipart = async (video: Buffer, as: TestUser = owner): Promise<Card> => {
    const res = await http()
      .post('/api/v1/video')
      .set('Authorization', as.authHeader)
      .field('title', 'Processing')
      .field('isPublished', 'true')
      .attach('video', video, 'clip.mp4')
      .attach('thumbnail', tinyPng(), 'thumb.png');
    expect(res.status).toBe(201);
    return res.body.data as Card;
  };

  const get = async (videoId: string, as: TestUser | null = owner): Promise<Card> => {
    let req = http().get(`/api/v1/video/${videoId}`);
    if (as) req = req.set('Authorization', as.authHeader);
    const res = await req;
    expect(res.status).toBe(200);
    return res.body.data as Card;
  };

  /** Polls the owner's watch page until processing is in one of `states` (deadline, not a timing). */
  const waitFor = async (videoId: string, states: Processing['state'][]): Promise<Card> => {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const card = await get(videoId);
      if (card.processing && states.includes(card.processing.state)) return card;
      if (Date.now() > deadline)
        throw new Error(`video ${videoId} still ${JSON.stringify(card.processing)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const path = (url: string): string => new URL(url).pathname;

  /** The master playlist, its media playlists and their segments, all served with their types. */
  const expectPlayableHls = async (
    hlsUrl: string,
    expected: { resolution: string; audio: boolean }[],
  ): Promise<void> => {
    const master = await http().get(path(hlsUrl)).buffer(true).parse(textParser);
    expect(master.status).toBe(200);
    expect(master.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    const text = master.body as string;
    const variants = [...text.matchAll(/#EXT-X-STREAM-INF:([^\n]+)\n([^\n]+)/g)];
    expect(variants.map((variant) => /RESOLUTION=(\d+x\d+)/.exec(variant[1])?.[1])).toEqual(
      expected.map((rendition) => rendition.resolution),
    );
    for (const [index, variant] of variants.entries()) {
      expect(variant[1]).toMatch(/BANDWIDTH=\d+/);
      const playlistUrl = new URL(variant[2], hlsUrl).toString();
      const playlist = await http().get(path(playlistUrl)).buffer(true).parse(textParser);
      expect(playlist.status).toBe(200);
      expect(playlist.headers['content-type']).toBe('application/vnd.apple.mpegurl');
      expect(playlist.body).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
      expect(playlist.body).toMatch(/#EXT-X-TARGETDURATION:[1-5]\n/);
      const segments = (playlist.body as string).split('\n').filter((line) => line.endsWith('.ts'));
      expect(segments.length).toBeGreaterThan(0);
      for (const segment of segments) {
        const segmentPath = path(new URL(segment, playlistUrl).toString());
        const served = await http().get(segmentPath);
        expect(served.status).toBe(200);
        expect(served.headers['content-type']).toBe('video/mp2t');
        // Range like every other media file.
        const range = await http().get(segmentPath).set('Range', 'bytes=0-187');
        expect(range.status).toBe(206);
        expect(range.headers['content-range']).toMatch(/^bytes 0-187\/\d+$/);
      }
      // The first segment, read from disk, is H.264 (and AAC when the source had sound).
      const onDisk = join(
        t.config.media.localDir,
        path(new URL(segments[0], playlistUrl).toString()).replace(/^\/media\//, ''),
      );
      const streams = await probeStreams(onDisk);
      const video = streams.find((stream) => stream.codec_type === 'video');
      expect(video?.codec_name).toBe('h264');
      expect(`${video?.width}x${video?.height}`).toBe(expected[index].resolution);
      expect(streams.some((stream) => stream.codec_name === 'aac')).toBe(expected[index].audio);
    }
  };

  it('reports the transcoder in /health', async () => {
    const res = await http().get('/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.details.transcoder).toEqual({ status: 'up' });
  });

  it('turns a 720p multipart upload into 360p and 720p renditions; the MP4 plays meanwhile', async () => {
    const card = await uploadMultipart(clip720);
    expectVideoCard(card);
    expect(card.processing).toEqual({ state: 'queued', progress: 0, error: null });
    expect(card.videoFile.hlsUrl).toBeNull();
    // The MP4 is served as before (Range included), whatever the processing state.
    const mp4 = await http().get(path(card.videoFile.url)).set('Range', 'bytes=0-99');
    expect(mp4.status).toBe(206);
    expect(mp4.headers['content-type']).toBe('video/mp4');

    const ready = await waitFor(card._id, ['ready', 'failed']);
    expect(ready.processing).toEqual({ state: 'ready', progress: 100, error: null });
    expect(ready.videoFile.hlsUrl).toMatch(
      /^http:\/\/.+\/media\/hls\/[0-9a-f-]{36}\/master\.m3u8$/,
    );
    await expectPlayableHls(ready.videoFile.hlsUrl!, [
      { resolution: '640x360', audio: true },
      { resolution: '1280x720', audio: true },
    ]);

    // Others see the HLS URL of a ready video, never its processing.
    const seen = await get(card._id, other);
    expect(seen.processing).toBeNull();
    expect(seen.videoFile).toEqual(ready.videoFile);
    const anonymous = await get(card._id, null);
    expect(anonymous.processing).toBeNull();
    const list = await http().get('/api/v1/video').query({ userId: owner.id });
    const listed = (list.body.data.docs as Card[]).find((doc) => doc._id === card._id);
    expect(listed?.processing).toBeNull();
    expect(listed?.videoFile.hlsUrl).toBe(ready.videoFile.hlsUrl);
    const mine = await http().get('/api/v1/video/me').set('Authorization', owner.authHeader);
    const own = (mine.body.data.docs as Card[]).find((doc) => doc._id === card._id);
    expect(own?.processing?.state).toBe('ready');
  });

  it('gives a 240p source without sound one rendition at its own size (via uploadId)', async () => {
    const { id } = await createUpload(t, owner.authHeader, clip240.length);
    expect((await patchUpload(t, owner.authHeader, id, 0, clip240)).status).toBe(204);
    const res = await http()
      .post('/api/v1/video')
      .set('Authorization', owner.authHeader)
      .field('title', 'Small')
      .field('uploadId', id)
      .attach('thumbnail', tinyPng(), 'thumb.png');
    expect(res.status).toBe(201);
    const card = res.body.data as Card;
    expect(card.processing?.state).toBe('queued');

    const ready = await waitFor(card._id, ['ready', 'failed']);
    expect(ready.processing?.state).toBe('ready');
    await expectPlayableHls(ready.videoFile.hlsUrl!, [{ resolution: '320x240', audio: false }]);
  });

  it('fails an undecodable file with a message; a retry fails again, cleanly', async () => {
    await t.app.get(JobQueues).idle();
    const before = await filesIn(hlsDir());
    // A structurally valid MP4 header with no decodable frames: passes the upload checks.
    const card = await uploadMultipart(tinyMp4());
    const failed = await waitFor(card._id, ['ready', 'failed']);
    expect(failed.processing).toMatchObject({ state: 'failed' });
    expect(failed.processing?.error).toMatch(
      /^The video (file could not be read|could not be decoded|file has no video stream)$/,
    );
    expect(failed.videoFile.hlsUrl).toBeNull();
    // The MP4 is still served; nothing of the failed run is left.
    await http().get(path(card.videoFile.url)).expect(200);
    await t.app.get(JobQueues).idle();
    expect(await filesIn(hlsDir())).toEqual(before);

    // Only the owner retries (403 for others, as for every write), and only a failed video (409).
    expectError(
      await http()
        .post(`/api/v1/video/${card._id}/processing/retry`)
        .set('Authorization', other.authHeader),
      403,
      'FORBIDDEN',
      'You can only update your own videos',
    );
    const retried = await http()
      .post(`/api/v1/video/${card._id}/processing/retry`)
      .set('Authorization', owner.authHeader);
    expect(retried.status).toBe(200);
    expect(retried.body.message).toBe('Video processing restarted');
    expect((retried.body.data as Card).processing).toEqual({
      state: 'queued',
      progress: 0,
      error: null,
    });
    const again = await waitFor(card._id, ['ready', 'failed']);
    expect(again.processing).toEqual(failed.processing);
    await t.app.get(JobQueues).idle();
    expect(await filesIn(hlsDir())).toEqual(before);
    expectError(
      await http()
        .post(`/api/v1/video/${new Types.ObjectId().toHexString()}/processing/retry`)
        .set('Authorization', owner.authHeader),
      404,
      'NOT_FOUND',
      'Video not found',
    );
  });

  it('answers 409 to a retry of a video that did not fail', async () => {
    const card = await uploadMultipart(clip240);
    await waitFor(card._id, ['ready']);
    expectError(
      await http()
        .post(`/api/v1/video/${card._id}/processing/retry`)
        .set('Authorization', owner.authHeader),
      409,
      'CONFLICT',
      'Only failed processing can be retried',
    );
  });

  it('deleting a video mid-processing kills ffmpeg and leaves no file', async () => {
    await t.app.get(JobQueues).idle();
    const before = await filesIn(hlsDir());
    await makeMp4(join(t.dir, 'long.mp4'), { seconds: 30, width: 1280, height: 720 });
    const card = await uploadMultipart(await readFile(join(t.dir, 'long.mp4')));
    // Until ffmpeg has written its first segment.
    const deadline = Date.now() + DEADLINE_MS;
    while (
      !(await filesIn(hlsDir())).some((file) => file.endsWith('.ts') && !before.includes(file))
    ) {
      if (Date.now() > deadline) throw new Error('ffmpeg wrote no segment');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Progress is written while it runs (at most every 2 s), from ffmpeg's out_time.
    let running = await get(card._id);
    while (!(running.processing!.progress > 0)) {
      if (Date.now() > deadline) throw new Error('no progress was written');
      await new Promise((resolve) => setTimeout(resolve, 200));
      running = await get(card._id);
    }
    expect(running.processing?.state).toBe('processing');
    expect(running.processing?.progress).toBeLessThan(100);

    await http()
      .delete(`/api/v1/video/${card._id}`)
      .set('Authorization', owner.authHeader)
      .expect(200);
    // Cancelled: ffmpeg exited and its folder went before the delete answered.
    expect(await filesIn(hlsDir())).toEqual(before);
    await t.app.get(JobQueues).idle();
    expect(await filesIn(hlsDir())).toEqual(before);
    const mediaFiles = await filesIn(t.config.media.localDir);
    expect(mediaFiles.some((file) => card.videoFile.url.endsWith(file))).toBe(false);
  });

  it('deleting a ready video removes its renditions', async () => {
    const card = await uploadMultipart(clip240);
    const ready = await waitFor(card._id, ['ready']);
    const folder = /\/media\/(hls\/[^/]+)\//.exec(ready.videoFile.hlsUrl!)?.[1];
    expect((await filesIn(hlsDir())).some((file) => `hls/${file}`.startsWith(folder!))).toBe(true);
    await http()
      .delete(`/api/v1/video/${card._id}`)
      .set('Authorization', owner.authHeader)
      .expect(200);
    expect((await filesIn(hlsDir())).some((file) => `hls/${file}`.startsWith(folder!))).toBe(false);
    await http().get(path(ready.videoFile.hlsUrl!)).expect(404);
  });

  it('picks up processing a stopped process left unfinished (the boot hook)', async () => {
    const card = await uploadMultipart(clip240);
    await waitFor(card._id, ['ready']);
    // As a process killed mid-run leaves it: `processing`, held by a run that no longer exists.
    await videos().updateOne(
      { _id: new Types.ObjectId(card._id) },
      {
        $set: { 'processing.state': 'processing', 'processing.runId': 'gone', hls: null },
      },
    );
    await t.app.get(VideoProcessingService).resumeUnfinished();
    const ready = await waitFor(card._id, ['ready', 'failed']);
    expect(ready.processing).toEqual({ state: 'ready', progress: 100, error: null });
    await http().get(path(ready.videoFile.hlsUrl!)).expect(200);
  });
});

describe('video processing without a transcoder', () => {
  let t: TestApp;
  let owner: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ VIDEO_TRANSCODING: 'auto', FFMPEG_PATH: '/nonexistent/ffmpeg' });
    owner = await createVerifiedUser(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reports it absent in /health without failing, and serves videos as MP4 only', async () => {
    const health = await request(t.app.getHttpServer()).get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.details.transcoder).toEqual({ status: 'absent' });

    const res = await request(t.app.getHttpServer())
      .post('/api/v1/video')
      .set('Authorization', owner.authHeader)
      .field('title', 'No ffmpeg')
      .attach('video', tinyMp4(), 'clip.mp4')
      .attach('thumbnail', tinyPng(), 'thumb.png');
    expect(res.status).toBe(201);
    const card = res.body.data as Card;
    expect(card.processing).toEqual({ state: 'ready', progress: 100, error: null });
    expect(card.videoFile.hlsUrl).toBeNull();
    await t.app.get(JobQueues).idle();
    expect(await filesIn(join(t.config.media.localDir, 'hls'))).toEqual([]);
  });
});
