import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import mongoose, { type Connection, Types } from 'mongoose';
import request from 'supertest';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import { RELAXED_LIMITS } from 'test/auth/helpers';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { makeMp4, probeStreams } from 'test/fixtures/ffmpeg.fixture';
import { tinyPng } from 'test/fixtures/media.fixture';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import { filesIn, textParser } from 'test/videos/video-test.util';

/** Both apps sign the owner's tokens with it (each would draw a random one otherwise). */
const SECRET = 'video-processing-restart-test-secret-0123456789';
/** How long a transcode may take on a loaded 2-core machine (a deadline, not a timing). */
const DEADLINE_MS = 90_000;
/** The restarted app claims the video as soon as its queue starts the job it enqueued at boot. */
const CLAIM_DEADLINE_MS = 15_000;
/**
 * Long enough that A is still transcoding when it is stopped (as soon as ffmpeg has cut its
 * first 4 s segment; the whole run takes ~4 s here, at `nice` 10), small so B's full run is short.
 */
const CLIP = { seconds: 30, width: 320, height: 240 };

type State = 'queued' | 'processing' | 'ready' | 'failed';
interface Card {
  _id: string;
  videoFile: { url: string; hlsUrl: string | null };
  processing: { state: State; progress: number; error: string | null } | null;
}

/**
 * The processing pipeline across a real restart (docs/architecture.md, "Processing pipeline"):
 * app A is stopped mid-transcode (its shutdown kills ffmpeg and removes the partial renditions,
 * the video stays `processing`), app B boots on the same database and media directory and runs
 * it again by itself, to `ready`, with one rendition folder and one `video_ready` for the owner.
 */
describe('video processing across a restart', () => {
  jest.setTimeout(120_000);

  let a: TestApp | undefined;
  let b: TestApp | undefined;
  let aStopped = false;

  afterAll(async () => {
    if (a && !aStopped) await a.close();
    // B's close drops the shared database (left to drop here when B never started).
    if (b) await b.close();
    else if (a && aStopped)
      await withConnection(a.config.database.uri!, (connection) => connection.dropDatabase());
    // A's scratch directory holds the shared media and upload directories.
    if (a) await rm(a.dir, { recursive: true, force: true });
  });

  it('a run stopped by shutdown is picked up by the next boot and ends ready, once', async () => {
    a = await createTestApp({
      ...RELAXED_LIMITS,
      JWT_ACCESS_SECRET: SECRET,
      VIDEO_TRANSCODING: 'auto',
    });
    const mediaDir = a.config.media.localDir;
    const hlsDir = join(mediaDir, 'hls');
    const owner = await createVerifiedUser(a);
    const clipPath = join(a.dir, 'clip.mp4');
    await makeMp4(clipPath, CLIP);

    const upload = await request(a.app.getHttpServer())
      .post('/api/v1/video')
      .set('Authorization', owner.authHeader)
      .field('title', 'Restarted')
      .field('isPublished', 'true')
      .attach('video', await readFile(clipPath), 'clip.mp4')
      .attach('thumbnail', tinyPng(), 'thumb.png');
    expect(upload.status).toBe(201);
    const videoId = (upload.body.data as Card)._id;

    // A transcodes: `processing`, one rendition folder, ffmpeg has cut its first segment.
    const deadline = Date.now() + DEADLINE_MS;
    let folders: string[];
    for (;;) {
      const card = await get(a, owner, videoId);
      if (card.processing?.state === 'ready' || card.processing?.state === 'failed')
        throw new Error(
          `A finished before it was stopped (make CLIP longer): ${JSON.stringify(card)}`,
        );
      folders = await readdir(hlsDir).catch(() => []);
      const segments = (await filesIn(hlsDir)).filter((file) => file.endsWith('.ts'));
      if (card.processing?.state === 'processing' && segments.length > 0) break;
      if (Date.now() > deadline) throw new Error(`A never transcoded: ${JSON.stringify(card)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(folders).toHaveLength(1);
    const aFolder = folders[0];
    // The probe below sees A's ffmpeg (so its empty answer after the stop means something).
    expect(await ffmpegsWriting(mediaDir)).toHaveLength(1);

    // The real shutdown path: the transcode is killed, its partial folder removed, and the video
    // left `processing` (held by A's run) for the next boot.
    aStopped = true;
    await a.app.close();
    expect(await ffmpegsWriting(mediaDir)).toEqual([]);
    expect(await readdir(hlsDir)).toEqual([]);
    const left = await withConnection(a.config.database.uri!, (connection) =>
      readVideo(connection, videoId),
    );
    expect(left.processing).toMatchObject({ state: 'processing', error: null });
    const aRun = left.processing?.runId;
    expect(aRun).toEqual(expect.any(String));
    expect(left.hls ?? null).toBeNull();

    b = await createTestApp({
      ...RELAXED_LIMITS,
      JWT_ACCESS_SECRET: SECRET,
      VIDEO_TRANSCODING: 'auto',
      MONGODB_URI: a.config.database.uri!,
      MEDIA_LOCAL_DIR: mediaDir,
      UPLOAD_TMP_DIR: a.config.media.uploadTmpDir,
      RESUMABLE_UPLOAD_DIR: a.config.media.resumable.dir,
    });
    // B took the video over by itself at boot (no resumeUnfinished() call): a run of its own.
    await claimedByAnotherRun(b, videoId, aRun!);
    const ready = await waitForEnd(b, owner, videoId);
    expect(ready.processing).toEqual({ state: 'ready', progress: 100, error: null });
    expect(ready.videoFile.hlsUrl).toMatch(/\/media\/hls\/[0-9a-f-]{36}\/master\.m3u8$/);
    const bFolder = /\/media\/hls\/([^/]+)\//.exec(ready.videoFile.hlsUrl!)![1];
    expect(bFolder).not.toBe(aFolder);
    await b.app.get(JobQueues).idle();
    // One rendition folder for the video (B's), no orphan of A's run, no ffmpeg left running.
    expect(await readdir(hlsDir)).toEqual([bFolder]);
    expect(await ffmpegsWriting(mediaDir)).toEqual([]);

    // B's master playlist, served by B, lists the rendition; every segment is on disk and plays.
    await expectPlayable(b, ready.videoFile.hlsUrl!, mediaDir);

    // The owner is told once, by B's run (A's was killed before it announced anything).
    const inbox = await request(b.app.getHttpServer())
      .get('/api/v1/notifications')
      .set('Authorization', owner.authHeader);
    expect(inbox.status).toBe(200);
    const items = (inbox.body.data as { docs: { type: string; subject: { _id: string } }[] }).docs;
    expect(items.map((item) => [item.type, item.subject._id])).toEqual([['video_ready', videoId]]);
    expect(
      await b.connection
        .collection('notifications')
        .countDocuments({ subject: new Types.ObjectId(videoId) }),
    ).toBe(1);
  });
});

async function get(t: TestApp, owner: TestUser, videoId: string): Promise<Card> {
  const res = await request(t.app.getHttpServer())
    .get(`/api/v1/video/${videoId}`)
    .set('Authorization', owner.authHeader);
  expect(res.status).toBe(200);
  return res.body.data as Card;
}

async function waitForEnd(t: TestApp, owner: TestUser, videoId: string): Promise<Card> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const card = await get(t, owner, videoId);
    if (card.processing?.state === 'ready' || card.processing?.state === 'failed') return card;
    if (Date.now() > deadline)
      throw new Error(`video ${videoId} still ${JSON.stringify(card.processing)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Waits until a run other than `runId` holds the video. The boot's pick-up is over once
 * `createTestApp` returns (it awaits `whenResumed()`), so the claim is one job start away.
 */
async function claimedByAnotherRun(t: TestApp, videoId: string, runId: string): Promise<void> {
  const deadline = Date.now() + CLAIM_DEADLINE_MS;
  for (;;) {
    const { processing } = await readVideo(t.connection, videoId);
    if (processing?.state !== 'processing' || processing.runId !== runId) return;
    if (Date.now() > deadline)
      throw new Error(`the restarted app never picked video ${videoId} up`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface StoredVideo {
  processing?: { state: State; error: string | null; runId: string | null };
  hls?: unknown;
}

async function readVideo(connection: Connection, videoId: string): Promise<StoredVideo> {
  const video = await connection
    .collection('videos')
    .findOne({ _id: new Types.ObjectId(videoId) }, { projection: { processing: 1, hls: 1 } });
  if (!video) throw new Error(`video ${videoId} is not stored`);
  return video as StoredVideo;
}

/** A connection of the test's own to `uri` (while neither app is running). */
async function withConnection<T>(
  uri: string,
  use: (connection: Connection) => Promise<T>,
): Promise<T> {
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    return await use(connection);
  } finally {
    await connection.close();
  }
}

/** Live ffmpeg processes whose arguments name a path under `dir` (Linux: /proc). */
async function ffmpegsWriting(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
    } catch {
      continue; // exited meanwhile
    }
    if (/(^|\/)ffmpeg$/.test(args[0]) && args.some((arg) => arg.startsWith(dir))) {
      pids.push(Number(entry));
    }
  }
  return pids;
}

/** The master playlist and its media playlists as B serves them; each segment on disk decodes. */
async function expectPlayable(t: TestApp, hlsUrl: string, mediaDir: string): Promise<void> {
  const http = () => request(t.app.getHttpServer());
  const path = (url: string): string => new URL(url).pathname;
  const text = async (url: string): Promise<string> => {
    const res = await http().get(path(url)).buffer(true).parse(textParser);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    return res.body as string;
  };
  const variants = [...(await text(hlsUrl)).matchAll(/#EXT-X-STREAM-INF:([^\n]+)\n([^\n]+)/g)];
  expect(variants.map((variant) => /RESOLUTION=(\d+x\d+)/.exec(variant[1])?.[1])).toEqual([
    `${CLIP.width}x${CLIP.height}`,
  ]);
  for (const [, , uri] of variants) {
    const playlistUrl = new URL(uri, hlsUrl).toString();
    const playlist = await text(playlistUrl);
    expect(playlist).toContain('#EXT-X-ENDLIST');
    const segments = playlist.split('\n').filter((line) => line.endsWith('.ts'));
    // 4 s segments over the whole clip: the run went to the end.
    expect(segments.length).toBeGreaterThanOrEqual(Math.floor(CLIP.seconds / 4));
    for (const segment of segments) {
      const onDisk = join(
        mediaDir,
        path(new URL(segment, playlistUrl).toString()).replace(/^\/media\//, ''),
      );
      const streams = await probeStreams(onDisk);
      expect(streams.find((stream) => stream.codec_type === 'video')?.codec_name).toBe('h264');
    }
    const served = await http().get(path(new URL(segments[0], playlistUrl).toString()));
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('video/mp2t');
  }
}
