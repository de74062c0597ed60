import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { Video } from 'src/modules/videos/schemas/video.schema';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { uploadVideo } from 'test/factories/videos.factory';
import { mp4WithoutDuration, tinyJpeg, tinyMp4, tinyPng } from 'test/fixtures/media.fixture';
import { abortUpload, streamUpload } from 'test/videos/multipart-stream.util';
import {
  api,
  expectEmptyEventually,
  expectError,
  expectNoInternalFields,
  expectSuccess,
  expectVideoCard,
  filesIn,
} from 'test/videos/video-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';

const MB = 1024 * 1024;

/**
 * Uploads with local storage (docs/api.md#uploads; `POST /video`,
 * `PATCH /video/thumbnail/:videoId`): the streamed multipart pipeline, its check order, its
 * limits, and that the temp directory is empty after every outcome.
 */
describe('video uploads (local storage)', () => {
  let t: TestApp;
  let baseUrl: string;
  let owner: TestUser;
  let tmpDir: string;
  let mediaDir: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    const server: Server = t.app.getHttpServer();
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    tmpDir = t.config.media.uploadTmpDir;
    mediaDir = t.config.media.localDir;
    owner = await createVerifiedUser(t);
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(async () => {
    // Whatever happened in the test, no upload may leave a temp file behind.
    await expectEmptyEventually(tmpDir);
  });

  const videos = (): Model<Video> => t.app.get<Model<Video>>(getModelToken(Video.name));
  const post = () => api(t).post('/api/v1/video').set('Authorization', owner.authHeader);

  describe('POST /video', () => {
    it('stores an MP4 and a PNG, reads the duration from the MP4 header and answers a VideoCard', async () => {
      const res = await post()
        .field('title', '  Bachata footwork  ')
        .field('description', ' Basics ')
        .attach('video', tinyMp4({ durationSeconds: 3.75 }), 'clip.mp4')
        .attach('thumbnail', tinyPng(), 'thumb.png');

      expectSuccess(res, 201, 'Video uploaded successfully');
      const card = res.body.data;
      expectVideoCard(card);
      expectNoInternalFields(res.body);
      expect(card).toMatchObject({
        title: 'Bachata footwork',
        description: 'Basics',
        views: 0,
        likesCount: 0,
        isLiked: false,
        isPublished: false,
        owner: { _id: owner.id, username: owner.username, name: owner.name },
      });
      expect(card.duration).toBeCloseTo(3.75, 3);

      // Both files are served back with their detected types (`GET /media/*`).
      const video = await api(t).get(new URL(card.videoFile.url).pathname).expect(200);
      expect(video.headers['content-type']).toBe('video/mp4');
      const thumb = await api(t).get(new URL(card.thumbnail.url).pathname).expect(200);
      expect(thumb.headers['content-type']).toBe('image/png');
      const stored = await videos().findById(card._id).lean();
      expect(stored?.videoFile.key).toMatch(/^videos\//);
      expect(stored?.thumbnail.key).toMatch(/^thumbnails\//);
    });

    it('accepts a JPEG thumbnail and isPublished=true', async () => {
      const res = await post()
        .field('title', 'Published')
        .field('isPublished', 'true')
        .attach('video', tinyMp4({ audio: false, durationSeconds: 61.5 }), 'clip.mp4')
        .attach('thumbnail', tinyJpeg(), 'thumb.jpg');
      expectSuccess(res, 201, 'Video uploaded successfully');
      expect(res.body.data).toMatchObject({ isPublished: true, duration: 61.5 });
      const thumb = await api(t).get(new URL(res.body.data.thumbnail.url).pathname).expect(200);
      expect(thumb.headers['content-type']).toBe('image/jpeg');
    });

    it.each([
      [{ title: '   ' }, 'Title is required'],
      [{ title: 'x'.repeat(101) }, 'Title must be at most 100 characters'],
      [{ title: 'ok', description: 'd'.repeat(501) }, 'Description must be at most 500 characters'],
      [{ title: 'ok', isPublished: 'yes' }, 'isPublished must be true or false'],
      [{ title: 'ok', isPublished: 'TRUE' }, 'isPublished must be true or false'],
      [{ title: 'ok', views: '1000' }, 'views is not allowed'],
      [
        { description: 'no title', isPublished: 'maybe' },
        'Title is required, isPublished must be true or false',
      ],
    ])('rejects the text fields %j with 400 %j and stores nothing', async (fields, message) => {
      const before = await filesIn(mediaDir);
      let req = post();
      for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
      const res = await req
        .attach('video', tinyMp4(), 'clip.mp4')
        .attach('thumbnail', tinyPng(), 'thumb.png');
      expectError(res, 400, 'VALIDATION_ERROR', message);
      expect(await filesIn(mediaDir)).toEqual(before);
    });

    it('answers a file under another field name with 400, before the text fields are checked', async () => {
      const res = await post()
        .field('title', '')
        .attach('video', tinyMp4(), 'clip.mp4')
        .attach('poster', tinyPng(), 'poster.png');
      expectError(res, 400, 'VALIDATION_ERROR', 'Unexpected file field: poster');
      expect(res.body.errors).toEqual([
        { field: 'poster', location: 'file', message: 'Unexpected file field: poster' },
      ]);
    });

    it('does not mistake an inherited property name for a declared field', async () => {
      const res = await post().field('title', 'x').attach('constructor', tinyPng(), 'a.png');
      expectError(res, 400, 'VALIDATION_ERROR', 'Unexpected file field: constructor');
    });

    it.each([
      ['video', tinyMp4(), 'clip.mp4', 'Only one video file is allowed'],
      ['thumbnail', tinyPng(), 'b.png', 'Only one thumbnail file is allowed'],
    ])('answers a second %s file with 400', async (field, content, name, message) => {
      const res = await post()
        .field('title', 'Twice')
        .attach('video', tinyMp4(), 'clip.mp4')
        .attach('thumbnail', tinyPng(), 'thumb.png')
        .attach(field, content, name);
      expectError(res, 400, 'VALIDATION_ERROR', message);
    });

    it('reports missing files after the text fields pass, naming each', async () => {
      const res = await post().field('title', 'No files');
      expectError(
        res,
        400,
        'VALIDATION_ERROR',
        'Video file is required, Thumbnail file is required',
      );
      expect(res.body.errors).toEqual([
        { field: 'video', location: 'file', message: 'Video file is required' },
        { field: 'thumbnail', location: 'file', message: 'Thumbnail file is required' },
      ]);
    });

    it('checks the text fields before the missing files', async () => {
      const res = await post().attach('thumbnail', tinyPng(), 'thumb.png');
      expectError(res, 400, 'VALIDATION_ERROR', 'Title is required');
    });

    it('treats a request that is not multipart as having no files and no fields', async () => {
      const res = await post().send({ title: 'JSON upload' });
      expectError(res, 400, 'VALIDATION_ERROR', 'Title is required');
    });

    it('decides the type on the bytes: a PNG named clip.mp4 and declared video/mp4 is 415', async () => {
      const res = await post()
        .field('title', 'Fake video')
        .attach('video', tinyPng(), { filename: 'clip.mp4', contentType: 'video/mp4' })
        .attach('thumbnail', tinyPng(), 'thumb.png');
      expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Invalid video file type. Only mp4 allowed.');
    });

    it('refuses an MP4 as thumbnail with 415', async () => {
      const res = await post()
        .field('title', 'Fake thumb')
        .attach('video', tinyMp4(), 'clip.mp4')
        .attach('thumbnail', tinyMp4(), { filename: 'thumb.png', contentType: 'image/png' });
      expectError(
        res,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'Invalid thumbnail type. Only jpeg or png allowed.',
      );
    });

    it('reports a missing file before a wrong type', async () => {
      const res = await post().field('title', 'x').attach('video', tinyPng(), 'clip.mp4');
      expectError(res, 400, 'VALIDATION_ERROR', 'Thumbnail file is required');
    });

    it('answers an MP4 without a readable duration with 415 and keeps nothing', async () => {
      const before = await filesIn(mediaDir);
      const count = await videos().countDocuments();
      const res = await post()
        .field('title', 'No moov')
        .attach('video', mp4WithoutDuration(), 'clip.mp4')
        .attach('thumbnail', tinyPng(), 'thumb.png');
      expectError(
        res,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'Invalid video file. Could not read its duration',
      );
      expect(await filesIn(mediaDir)).toEqual(before);
      expect(await videos().countDocuments()).toBe(count);
    });

    it('answers 401 to an anonymous upload before reading the body', async () => {
      const res = await api(t)
        .post('/api/v1/video')
        .field('title', 'x')
        .attach('video', tinyMp4(), 'clip.mp4')
        .attach('thumbnail', tinyPng(), 'thumb.png');
      expectError(res, 401, 'UNAUTHORIZED', 'UNAUTHORIZED');
    });
  });

  describe('size limits, enforced while the request streams', () => {
    it('answers a video over 100 MB with 413 before the client has sent it all, and keeps nothing', async () => {
      const before = await filesIn(mediaDir);
      const result = await streamUpload({
        url: `${baseUrl}/api/v1/video`,
        headers: { Authorization: owner.authHeader },
        texts: [{ name: 'title', value: 'Too big' }],
        // Chunked, with no Content-Length to judge by: only counting while streaming can stop it.
        chunked: true,
        file: { name: 'video', filename: 'big.mp4', head: tinyMp4(), size: 400 * MB },
      });
      expect(result.status).toBe(413);
      expect(result.body).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        message: 'Video file exceeds 100MB size limit',
      });
      // Answered once the limit passed, not at the end of the body (socket buffers and the
      // server's draining let some more through, nowhere near the 400 MB).
      expect(result.bytesSentBeforeResponse).toBeGreaterThan(100 * MB);
      expect(result.bytesSentBeforeResponse).toBeLessThan(200 * MB);
      expect(await filesIn(mediaDir)).toEqual(before);
    });

    it('accepts a video of exactly 100 MB past the size check (then its type decides)', async () => {
      const result = await streamUpload({
        url: `${baseUrl}/api/v1/video`,
        headers: { Authorization: owner.authHeader },
        texts: [{ name: 'title', value: 'Exactly 100 MB' }],
        file: {
          name: 'video',
          filename: 'big.mp4',
          head: Buffer.from('not an mp4 at all'),
          size: 100 * MB,
        },
      });
      // Not 413: the file was within its limit; the thumbnail is missing.
      expect(result.status).toBe(400);
      expect(result.body.message).toBe('Thumbnail file is required');
    });

    it('answers a thumbnail over 5 MB with 413', async () => {
      const big = Buffer.concat([tinyPng(), Buffer.alloc(5 * MB, 1)]);
      const res = await post().field('title', 'Big thumb').attach('thumbnail', big, 'thumb.png');
      expectError(res, 413, 'PAYLOAD_TOO_LARGE', 'Thumbnail exceeds 5MB size limit');
    });

    it('answers a body declared over 106 MB with 413 at once', async () => {
      const result = await streamUpload({
        url: `${baseUrl}/api/v1/video`,
        headers: { Authorization: owner.authHeader },
        file: { name: 'video', filename: 'huge.mp4', head: tinyMp4(), size: 107 * MB },
      });
      expect(result.status).toBe(413);
      expect(result.body).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        message: 'Request body too large',
      });
      // Refused from the Content-Length alone: only what the socket buffers took was sent.
      expect(result.bytesSentBeforeResponse).toBeLessThan(16 * MB);
    });
  });

  describe('temp files', () => {
    it('leaves the temp directory empty after a success', async () => {
      await uploadVideo(t, owner);
      await expectEmptyEventually(tmpDir);
    });

    it('leaves it empty after a client abort in the middle of the video', async () => {
      await abortUpload(
        {
          url: `${baseUrl}/api/v1/video`,
          headers: { Authorization: owner.authHeader },
          texts: [{ name: 'title', value: 'Aborted' }],
          file: { name: 'video', filename: 'clip.mp4', head: tinyMp4(), size: 50 * MB },
        },
        2 * MB,
        async () => (await filesIn(tmpDir)).length > 0,
      );
      await expectEmptyEventually(tmpDir);
      // The server is still fine and the next upload works.
      await uploadVideo(t, owner);
    });

    it('answers a truncated body with 400 instead of crashing, and removes the partial file', async () => {
      const result = await streamUpload({
        url: `${baseUrl}/api/v1/video`,
        headers: { Authorization: owner.authHeader },
        texts: [{ name: 'title', value: 'Truncated' }],
        file: { name: 'video', filename: 'clip.mp4', head: tinyMp4(), size: 512 * 1024 },
        truncate: true,
      });
      expect(result.status).toBe(400);
      expect(result.body).toMatchObject({
        code: 'VALIDATION_ERROR',
        message: 'Malformed multipart body',
      });
      await expectEmptyEventually(tmpDir);
      await api(t).get('/api/v1/video').expect(200);
    });

    it('never serves the temp directory over HTTP', async () => {
      const res = await api(t).get(`/media/${join('..', 'uploads', 'anything.upload')}`);
      expect(res.status).toBe(404);
    });
  });

  describe('PATCH /video/thumbnail/:videoId', () => {
    const patch = (videoId: string, user: TestUser = owner) =>
      api(t).patch(`/api/v1/video/thumbnail/${videoId}`).set('Authorization', user.authHeader);

    it('stores the new image, saves it, then deletes the old one', async () => {
      const video = await uploadVideo(t, owner);
      const oldPath = new URL(video.thumbnail.url).pathname;
      await api(t).get(oldPath).expect(200);

      const res = await patch(video._id).attach('thumbnail', tinyJpeg(), 'new.jpg');

      expectSuccess(res, 200, 'Video thumbnail updated successfully');
      expectVideoCard(res.body.data);
      expectNoInternalFields(res.body);
      expect(res.body.data.thumbnail.url).not.toBe(video.thumbnail.url);
      expect(new Date(res.body.data.updatedAt).getTime()).toBeGreaterThanOrEqual(
        new Date(String(video.updatedAt)).getTime(),
      );
      await api(t).get(new URL(res.body.data.thumbnail.url).pathname).expect(200);
      await api(t).get(oldPath).expect(404);
      const detail = await api(t)
        .get(`/api/v1/video/${video._id}`)
        .set('Authorization', owner.authHeader);
      expect(detail.body.data.thumbnail.url).toBe(res.body.data.thumbnail.url);
    });

    it('refuses text fields, other files and wrong types in the documented check order', async () => {
      const video = await uploadVideo(t, owner);
      expectError(
        await patch(video._id).field('title', 'x').attach('thumbnail', tinyPng(), 't.png'),
        400,
        'VALIDATION_ERROR',
        'title is not allowed',
      );
      expectError(
        await patch(video._id).attach('video', tinyMp4(), 'clip.mp4'),
        400,
        'VALIDATION_ERROR',
        'Unexpected file field: video',
      );
      expectError(await patch(video._id), 400, 'VALIDATION_ERROR', 'Thumbnail file is required');
      expectError(
        await patch(video._id).attach('thumbnail', tinyMp4(), 'thumb.png'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'Invalid thumbnail type. Only jpeg or png allowed.',
      );
    });

    it('checks the file before existence, and existence before storing anything', async () => {
      const missing = '0123456789abcdef01234567';
      expectError(
        await patch(missing).attach('thumbnail', tinyMp4(), 'thumb.png'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'Invalid thumbnail type. Only jpeg or png allowed.',
      );
      const before = await filesIn(mediaDir);
      expectError(
        await patch(missing).attach('thumbnail', tinyPng(), 't.png'),
        404,
        'NOT_FOUND',
        'Video not found',
      );
      expect(await filesIn(mediaDir)).toEqual(before);
    });

    it('answers 404 to others on an unpublished video and 403 on a published one, storing nothing', async () => {
      const other = await createVerifiedUser(t);
      const hidden = await uploadVideo(t, owner, { isPublished: false });
      const shown = await uploadVideo(t, owner, { isPublished: true });
      const before = await filesIn(mediaDir);
      expectError(
        await patch(hidden._id, other).attach('thumbnail', tinyPng(), 't.png'),
        404,
        'NOT_FOUND',
        'Video not found',
      );
      expectError(
        await patch(shown._id, other).attach('thumbnail', tinyPng(), 't.png'),
        403,
        'FORBIDDEN',
        'You can only update your own videos',
      );
      expectError(
        await api(t)
          .patch(`/api/v1/video/thumbnail/${shown._id}`)
          .attach('thumbnail', tinyPng(), 't.png'),
        401,
        'UNAUTHORIZED',
      );
      expect(await filesIn(mediaDir)).toEqual(before);
    });

    it('answers a malformed id with 400 Invalid ID', async () => {
      expectError(
        await patch('nope').attach('thumbnail', tinyPng(), 't.png'),
        400,
        'INVALID_ID',
        'Invalid ID',
      );
    });
  });
});
