import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { toAppException } from 'src/common/errors/error-mapping.util';
import { AllExceptionsFilter } from 'src/common/filters/all-exceptions.filter';
import {
  MediaStorage,
  MediaStorageError,
  type MediaUploadInput,
} from 'src/infrastructure/media/media-storage.port';
import { Video } from 'src/modules/videos/schemas/video.schema';
import { VideosService } from 'src/modules/videos/videos.service';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { uploadVideo } from 'test/factories/videos.factory';
import { tinyMp4, tinyPng } from 'test/fixtures/media.fixture';
import {
  abortUpload,
  streamUpload,
  type StreamOptions,
  uploadThenDisconnect,
} from 'test/videos/multipart-stream.util';
import { api, expectEmptyEventually, expectError, filesIn } from 'test/videos/video-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';

const MB = 1024 * 1024;
const MAX_CONCURRENT = 2;
const TOO_MANY = 'Too many uploads in progress, please wait for one to finish';

/**
 * Issue 11, finding 6: uploads and their connections. A client that leaves must not break a
 * handler still reading its temp file; one user cannot hold more than UPLOAD_MAX_CONCURRENT_PER_USER
 * uploads open; a body that stalls is cut after UPLOAD_IDLE_TIMEOUT_SECONDS. Every outcome leaves
 * the temp directory empty and gives the upload slot back.
 */
describe('upload connections (disconnects, concurrency cap, idle bodies)', () => {
  let t: TestApp;
  let baseUrl: string;
  let owner: TestUser;
  let tmpDir: string;
  let storage: MediaStorage;

  beforeAll(async () => {
    t = await createTestApp({
      UPLOAD_MAX_CONCURRENT_PER_USER: String(MAX_CONCURRENT),
      // One second keeps the stalled-body test short; production waits 30.
      UPLOAD_IDLE_TIMEOUT_SECONDS: '1',
    });
    await t.app.listen(0, '127.0.0.1');
    const server: Server = t.app.getHttpServer();
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    tmpDir = t.config.media.uploadTmpDir;
    storage = t.app.get(MediaStorage);
    owner = await createVerifiedUser(t);
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await expectEmptyEventually(tmpDir);
  });

  const videos = (): Model<Video> => t.app.get<Model<Video>>(getModelToken(Video.name));
  const videoUpload = (user: TestUser, title: string, size = tinyMp4().length): StreamOptions => ({
    url: `${baseUrl}/api/v1/video`,
    headers: { Authorization: user.authHeader },
    texts: [{ name: 'title', value: title }],
    file: { name: 'video', filename: 'clip.mp4', head: tinyMp4(), size },
    attachments: [{ name: 'thumbnail', filename: 'thumb.png', content: tinyPng() }],
  });

  async function eventually(condition: () => boolean | Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('the expected state was never reached');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Holds every storage call for a file on disk (the video) until `open()`. */
  function gateVideoStorage(): { arrived: () => number; open: () => void; restore: () => void } {
    const original = storage.upload.bind(storage);
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    let arrived = 0;
    const spy = jest
      .spyOn(storage, 'upload')
      .mockImplementation(async (input: MediaUploadInput) => {
        if ('path' in input.source) {
          arrived += 1;
          await opened;
        }
        return original(input);
      });
    return { arrived: () => arrived, open, restore: () => spy.mockRestore() };
  }

  /** The server's side of the next request to `path`: resolves when its response has closed. */
  function serverResponseClosed(path: string): Promise<ServerResponse> {
    const server: Server = t.app.getHttpServer();
    return new Promise((resolve) => {
      const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
        if (req.url !== path) return;
        server.off('request', onRequest);
        res.once('close', () => resolve(res));
      };
      server.on('request', onRequest);
    });
  }

  /**
   * `MAX_CONCURRENT` uploads by one user, held open together, are all let through: no slot of
   * an earlier request is still taken.
   */
  async function expectSlotsFree(user: TestUser): Promise<void> {
    const gate = gateVideoStorage();
    let refused = 0;
    const outcomes = Array.from({ length: MAX_CONCURRENT }, () =>
      uploadVideo(t, user).then(
        () => 'stored',
        (error: unknown) => {
          refused += 1;
          return String(error);
        },
      ),
    );
    await eventually(() => gate.arrived() + refused === MAX_CONCURRENT);
    gate.open();
    expect(await Promise.all(outcomes)).toEqual(Array(MAX_CONCURRENT).fill('stored'));
    gate.restore();
  }

  describe('client disconnects', () => {
    it('keeps the temp file while the handler still reads it after the client left, stores the video, then removes the file', async () => {
      const errors = jest.spyOn(Logger.prototype, 'error');
      const warnings = jest.spyOn(Logger.prototype, 'warn');
      const failures = jest.spyOn(AllExceptionsFilter.prototype, 'catch');
      const service = t.app.get(VideosService);
      const handle = service.upload.bind(service);
      let handled: ReturnType<VideosService['upload']> | undefined;
      jest.spyOn(service, 'upload').mockImplementation((...args) => (handled = handle(...args)));
      const gate = gateVideoStorage();
      const closed = serverResponseClosed('/api/v1/video');
      const before = await videos().countDocuments();

      await uploadThenDisconnect(videoUpload(owner, 'Left after sending'), () =>
        Promise.resolve(gate.arrived() === 1),
      );
      await closed;
      // Whatever the server does on the socket's close has happened by the next turn.
      await new Promise((resolve) => setImmediate(resolve));

      // The handler is still storing the video: its temp file must still be there.
      expect(await filesIn(tmpDir)).toHaveLength(1);
      gate.open();
      await expect(handled).resolves.toMatchObject({ title: 'Left after sending' });
      await expectEmptyEventually(tmpDir);
      expect(await videos().countDocuments()).toBe(before + 1);
      expect(failures).not.toHaveBeenCalled();
      expect(errors).not.toHaveBeenCalled();
      expect(warnings).not.toHaveBeenCalled();
      gate.restore();
      await expectSlotsFree(owner);
    });

    it('leaves no temp file, no 5xx and no error log when the client leaves in the middle of the body, and frees its slot', async () => {
      const errors = jest.spyOn(Logger.prototype, 'error');
      const failures = jest.spyOn(AllExceptionsFilter.prototype, 'catch');
      const closed = serverResponseClosed('/api/v1/video');
      const before = await videos().countDocuments();

      await abortUpload(
        videoUpload(owner, 'Left half-way', 16 * MB),
        2 * MB,
        async () => (await filesIn(tmpDir)).length > 0,
      );
      await closed;

      await expectEmptyEventually(tmpDir);
      const statuses = failures.mock.calls.map(([error]) => toAppException(error).exception.status);
      expect(statuses.filter((status) => status >= 500)).toEqual([]);
      expect(errors).not.toHaveBeenCalled();
      expect(await videos().countDocuments()).toBe(before);
      await expectSlotsFree(owner);
    });
  });

  describe('concurrent uploads per user (UPLOAD_MAX_CONCURRENT_PER_USER)', () => {
    it('answers one upload over the cap with 429 before reading its body, on every upload route, and stores nothing for it', async () => {
      const other = await createVerifiedUser(t);
      const gate = gateVideoStorage();
      const before = await videos().countDocuments();
      const held = Array.from({ length: MAX_CONCURRENT }, (_, index) =>
        uploadVideo(t, owner, { title: `Held ${index}` }),
      );
      await eventually(() => gate.arrived() === MAX_CONCURRENT);

      const result = await streamUpload(videoUpload(owner, 'One too many', 64 * MB));
      expect(result.status).toBe(429);
      expect(result.headers['content-type']).toMatch(/^application\/json/);
      expect(result.body).toEqual({
        statusCode: 429,
        success: false,
        message: TOO_MANY,
        code: 'TOO_MANY_CONCURRENT_UPLOADS',
        requestId: result.headers['x-request-id'],
      });
      expect(Number(result.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Refused on arrival: only what the socket buffers took was sent, and nothing reached disk.
      expect(result.bytesSentBeforeResponse).toBeLessThan(16 * MB);
      expect(await filesIn(tmpDir)).toHaveLength(MAX_CONCURRENT);

      // The cap is per user and covers every upload route.
      expectError(
        await api(t)
          .patch('/api/v1/user/profileimage')
          .set('Authorization', owner.authHeader)
          .attach('profileImage', tinyPng(), 'me.png'),
        429,
        'TOO_MANY_CONCURRENT_UPLOADS',
        TOO_MANY,
      );
      await api(t)
        .patch('/api/v1/user/profileimage')
        .set('Authorization', other.authHeader)
        .attach('profileImage', tinyPng(), 'me.png')
        .expect(200);

      gate.open();
      await Promise.all(held);
      expect(await videos().countDocuments()).toBe(before + MAX_CONCURRENT);
      expect(await videos().countDocuments({ title: 'One too many' })).toBe(0);
      gate.restore();
      await expectSlotsFree(owner);
    });

    it('gives the slot back after a success and after every kind of failure', async () => {
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const post = () => api(t).post('/api/v1/video').set('Authorization', owner.authHeader);
      await uploadVideo(t, owner);
      expectError(
        await post()
          .field('title', '   ')
          .attach('video', tinyMp4(), 'clip.mp4')
          .attach('thumbnail', tinyPng(), 'thumb.png'),
        400,
        'VALIDATION_ERROR',
        'Title is required',
      );
      expectError(
        await post()
          .field('title', 'Big thumb')
          .attach('thumbnail', Buffer.concat([tinyPng(), Buffer.alloc(5 * MB, 1)]), 'thumb.png'),
        413,
        'PAYLOAD_TOO_LARGE',
        'Thumbnail exceeds 5MB size limit',
      );
      expectError(
        await post()
          .field('title', 'Fake video')
          .attach('video', tinyPng(), 'clip.mp4')
          .attach('thumbnail', tinyPng(), 'thumb.png'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      jest.spyOn(storage, 'upload').mockRejectedValue(new MediaStorageError('provider down'));
      expectError(
        await post()
          .field('title', 'Storage down')
          .attach('video', tinyMp4(), 'clip.mp4')
          .attach('thumbnail', tinyPng(), 'thumb.png'),
        502,
        'STORAGE_ERROR',
      );
      jest.mocked(storage.upload).mockRestore();
      await expectSlotsFree(owner);
    });
  });

  describe('idle upload bodies (UPLOAD_IDLE_TIMEOUT_SECONDS)', () => {
    it('cuts a body that stops sending with 408 and the error body, removes its temp file and frees its slot', async () => {
      const errors = jest.spyOn(Logger.prototype, 'error');
      const before = await videos().countDocuments();

      const result = await streamUpload({
        ...videoUpload(owner, 'Stalled', 8 * MB),
        stallAfterBytes: 1 * MB,
      });

      expect(result.status).toBe(408);
      expect(result.headers['content-type']).toMatch(/^application\/json/);
      expect(result.body).toEqual({
        statusCode: 408,
        success: false,
        message: 'No upload data received for 1 seconds',
        code: 'REQUEST_TIMEOUT',
        requestId: result.headers['x-request-id'],
      });
      // The rest of the body will never be read: the connection is not kept for another request.
      expect(result.headers.connection).toBe('close');
      await expectEmptyEventually(tmpDir);
      expect(await videos().countDocuments()).toBe(before);
      expect(errors).not.toHaveBeenCalled();
      await expectSlotsFree(owner);
    });

    it('does not cut a slow body that keeps sending, however long the whole upload takes', async () => {
      // About three idle periods in all (eight pieces), but never silent for half of one.
      const video = tinyMp4();
      const result = await streamUpload({
        ...videoUpload(owner, 'Slow but steady'),
        trickle: { chunkBytes: Math.ceil(video.length / 8), pauseMs: 400 },
      });
      expect(result.status).toBe(201);
      expect(await videos().countDocuments({ title: 'Slow but steady' })).toBe(1);
    });
  });
});
