import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { makeMp4 } from 'test/fixtures/ffmpeg.fixture';
import { tinyPng } from 'test/fixtures/media.fixture';
import { createUpload, patchUpload } from 'test/uploads/tus-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import { expectError } from 'test/videos/video-test.util';

/** Issue 16: `POST /video` with `uploadId` instead of the `video` file. */
describe('POST /video with a resumable upload', () => {
  let t: TestApp;
  let owner: TestUser;
  let other: TestUser;
  let video: Buffer;

  beforeAll(async () => {
    t = await createTestApp();
    owner = await createVerifiedUser(t);
    other = await createVerifiedUser(t);
    await makeMp4(join(t.dir, 'clip.mp4'), { seconds: 2 });
    video = await readFile(join(t.dir, 'clip.mp4'));
  });
  afterAll(async () => {
    await t?.close();
  });

  const finishedUpload = async (user: TestUser, bytes: Buffer): Promise<string> => {
    const { id } = await createUpload(t, user.authHeader, bytes.length);
    const res = await patchUpload(t, user.authHeader, id, 0, bytes);
    expect(res.status).toBe(204);
    return id;
  };
  const postVideo = (user: TestUser, fields: Record<string, string>, withVideo = false) => {
    let req = request(t.app.getHttpServer())
      .post('/api/v1/video')
      .set('Authorization', user.authHeader)
      .field('title', 'From a resumable upload');
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    if (withVideo) req = req.attach('video', video, 'clip.mp4');
    return req.attach('thumbnail', tinyPng(), 'thumb.png');
  };

  it('creates the video from the finished upload, moves its file to media storage and consumes it', async () => {
    const uploadId = await finishedUpload(owner, video);
    const res = await postVideo(owner, { uploadId });
    expect(res.status).toBe(201);
    const card = res.body.data as { videoFile: { url: string }; duration: number };
    expect(card.duration).toBeGreaterThan(1.5);
    expect(JSON.stringify(res.body)).not.toContain(uploadId);
    // The bytes are in media storage, served like any video; the upload's files are gone.
    const path = new URL(card.videoFile.url).pathname;
    const served = await request(t.app.getHttpServer()).get(path).expect(200);
    expect(Buffer.compare(served.body as Buffer, video)).toBe(0);
    const left = await readdir(t.config.media.resumable.dir);
    expect(left.filter((name) => name.startsWith(uploadId))).toEqual([]);

    // A consumed upload cannot be used again.
    expectError(await postVideo(owner, { uploadId }), 404, 'NOT_FOUND', 'Upload not found');
  });

  it("refuses another user's upload, an unfinished one, and both a file and an upload", async () => {
    const uploadId = await finishedUpload(owner, video);
    expectError(await postVideo(other, { uploadId }), 404, 'NOT_FOUND', 'Upload not found');

    const { id: unfinished } = await createUpload(t, owner.authHeader, video.length);
    await patchUpload(t, owner.authHeader, unfinished, 0, video.subarray(0, 100));
    expectError(
      await postVideo(owner, { uploadId: unfinished }),
      409,
      'CONFLICT',
      'Upload is not finished',
    );

    expectError(
      await postVideo(owner, { uploadId }, true),
      400,
      'VALIDATION_ERROR',
      'Send either a video file or uploadId, not both',
    );
    expectError(await postVideo(owner, { uploadId: 'nope' }), 400, 'INVALID_ID');
    // Still the owner's, still usable.
    expect((await postVideo(owner, { uploadId })).status).toBe(201);
  });

  it('applies the magic-byte and duration checks to the assembled file, and keeps the upload', async () => {
    const notMp4 = await finishedUpload(owner, Buffer.from('this is no video at all, only text'));
    expectError(
      await postVideo(owner, { uploadId: notMp4 }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Invalid video file type. Only mp4 allowed.',
    );
    const noDuration = Buffer.concat([video.subarray(0, 8), Buffer.alloc(64)]);
    const unreadable = await finishedUpload(owner, noDuration);
    expectError(
      await postVideo(owner, { uploadId: unreadable }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Invalid video file. Could not read its duration',
    );
    // Refused, not consumed: the owner can still end it.
    await request(t.app.getHttpServer())
      .delete(`/api/v1/uploads/${notMp4}`)
      .set('Authorization', owner.authHeader)
      .set('Tus-Resumable', '1.0.0')
      .expect(204);
  });

  it('leaves the multipart path as it was', async () => {
    const res = await postVideo(owner, {}, true);
    expect(res.status).toBe(201);
    const missing = await request(t.app.getHttpServer())
      .post('/api/v1/video')
      .set('Authorization', owner.authHeader)
      .field('title', 'No video')
      .attach('thumbnail', tinyPng(), 'thumb.png');
    expectError(missing, 400, 'VALIDATION_ERROR', 'Video file is required');
  });
});
