import { Logger } from '@nestjs/common';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { Video } from 'src/modules/videos/schemas/video.schema';
import { VideosRepository } from 'src/modules/videos/videos.repository';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { uploadVideo } from 'test/factories/videos.factory';
import { FakeCloudinaryServer } from 'test/fakes/fake-cloudinary.server';
import { tinyJpeg, tinyMp4, tinyPng } from 'test/fixtures/media.fixture';
import {
  api,
  expectEmptyEventually,
  expectError,
  expectNoInternalFields,
  expectSuccess,
  expectVideoCard,
} from 'test/videos/video-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * Upload, delete and thumbnail replacement against the real Cloudinary SDK adapter and the fake
 * Cloudinary API: resource types, the provider's duration, rollbacks, 502s, and that a failed
 * request leaves no stored asset.
 */
describe('videos with Cloudinary storage', () => {
  let fake: FakeCloudinaryServer;
  let t: TestApp;
  let owner: TestUser;

  beforeAll(async () => {
    fake = await FakeCloudinaryServer.start();
    t = await createTestApp(fake.appEnv);
    owner = await createVerifiedUser(t);
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());
  afterEach(async () => {
    jest.restoreAllMocks();
    await expectEmptyEventually(t.config.media.uploadTmpDir);
  });

  const videos = (): Model<Video> => t.app.get<Model<Video>>(getModelToken(Video.name));
  /** Assets the fake still holds (uploads minus successful deletes). */
  const stillStored = (): string[] =>
    fake.uploads
      .filter((upload) => fake.has(upload.resourceType, upload.publicId))
      .map((u) => `${u.resourceType}:${u.publicId}`);
  const upload = () =>
    api(t)
      .post('/api/v1/video')
      .set('Authorization', owner.authHeader)
      .field('title', 'Cloud dance')
      .attach('video', tinyMp4({ durationSeconds: 2.5 }), 'clip.mp4')
      .attach('thumbnail', tinyPng(), 'thumb.png');

  describe('POST /video', () => {
    it('stores the video as resource type video and the thumbnail as image, with the provider’s duration and secure URLs', async () => {
      fake.videoDuration = 42.25;
      const res = await upload();

      expectSuccess(res, 201, 'Video uploaded successfully');
      expectVideoCard(res.body.data);
      expectNoInternalFields(res.body);
      const video = fake.uploads.find((u) => u.resourceType === 'video');
      const image = fake.uploads.find((u) => u.resourceType === 'image');
      expect(fake.uploads).toHaveLength(2);
      expect(video).toMatchObject({ folder: 'videos' });
      expect(image).toMatchObject({ folder: 'thumbnails' });
      // The duration Cloudinary measured, not the 2.5 s in the MP4 header.
      expect(res.body.data.duration).toBe(42.25);
      expect(res.body.data.videoFile.url).toBe(video?.secureUrl);
      expect(res.body.data.thumbnail.url).toBe(image?.secureUrl);
      expect(res.body.data.videoFile.url).toMatch(
        /^https:\/\/res\.cloudinary\.com\/.+\/video\/upload\//,
      );
      const stored = await videos().findById(res.body.data._id).lean();
      expect(stored?.videoFile.key).toBe(video?.publicId);
      expect(stored?.thumbnail.key).toBe(image?.publicId);
    });

    it('answers 415 when the provider reports no duration, deleting both uploads with their resource types', async () => {
      fake.videoDuration = null;
      const count = await videos().countDocuments();

      const res = await upload();

      expectError(
        res,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'Invalid video file. Could not read its duration',
      );
      expect(fake.uploads).toHaveLength(2);
      expect(fake.deletes.map((d) => [d.resourceType, d.publicId, d.result]).sort()).toEqual(
        fake.uploads.map((u) => [u.resourceType, u.publicId, 'ok']).sort(),
      );
      expect(stillStored()).toEqual([]);
      expect(await videos().countDocuments()).toBe(count);
    });

    it('answers 502 when storage fails, after rolling back whatever was stored', async () => {
      fake.failNext(500, 'Cloudinary is having a bad day');
      const count = await videos().countDocuments();

      const res = await upload();

      expectError(res, 502, 'STORAGE_ERROR', 'Media storage error');
      expect(res.text).not.toContain('bad day');
      expect(stillStored()).toEqual([]);
      expect(await videos().countDocuments()).toBe(count);
    });

    it('answers 415 when the provider refuses the bytes as unreadable media, keeping nothing', async () => {
      fake.failNext(400, 'Unsupported video format or file');
      const res = await upload();
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(stillStored()).toEqual([]);
    });

    it('rolls both uploads back when saving the video fails afterwards', async () => {
      jest
        .spyOn(VideosRepository.prototype, 'create')
        .mockRejectedValueOnce(new Error('disk on fire'));
      jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

      const res = await upload();

      expectError(res, 500, 'INTERNAL_ERROR', 'Internal server error');
      expect(fake.uploads).toHaveLength(2);
      expect(stillStored()).toEqual([]);
      expect(fake.deletes.map((d) => d.resourceType).sort()).toEqual(['image', 'video']);
    });
  });

  describe('DELETE /video/:videoId', () => {
    it('deletes the video with resource type video and the thumbnail with image', async () => {
      const video = await uploadVideo(t, owner);
      const [videoAsset, imageAsset] = ['video', 'image'].map((type) =>
        fake.uploads.find((u) => u.resourceType === type),
      );

      expectSuccess(
        await api(t).delete(`/api/v1/video/${video._id}`).set('Authorization', owner.authHeader),
        200,
        'Video deleted successfully',
      );

      expect(fake.deletes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            resourceType: 'video',
            publicId: videoAsset?.publicId,
            result: 'ok',
          }),
          expect.objectContaining({
            resourceType: 'image',
            publicId: imageAsset?.publicId,
            result: 'ok',
          }),
        ]),
      );
      expect(stillStored()).toEqual([]);
    });

    it('still answers 200 when deleting a media asset fails; the video is gone and the failure is logged', async () => {
      const video = await uploadVideo(t, owner);
      const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      fake.failNext(500, 'destroy failed');

      const res = await api(t)
        .delete(`/api/v1/video/${video._id}`)
        .set('Authorization', owner.authHeader);

      expectSuccess(res, 200, 'Video deleted successfully');
      expect(errors.mock.calls.map((call) => String(call[0])).join('\n')).toContain(
        `after deleting video ${video._id}`,
      );
      expectError(
        await api(t).get(`/api/v1/video/${video._id}`),
        404,
        'NOT_FOUND',
        'Video not found',
      );
      // The failed step did not stop the next one: the thumbnail went.
      const image = fake.uploads.find((u) => u.resourceType === 'image');
      expect(fake.has('image', String(image?.publicId))).toBe(false);
    });
  });

  describe('PATCH /video/thumbnail/:videoId', () => {
    const patch = (videoId: string) =>
      api(t).patch(`/api/v1/video/thumbnail/${videoId}`).set('Authorization', owner.authHeader);

    it('uploads the new image, saves it, then deletes the old one with resource type image', async () => {
      const video = await uploadVideo(t, owner);
      const old = fake.uploads.find((u) => u.resourceType === 'image');

      const res = await patch(video._id).attach('thumbnail', tinyJpeg(), 'new.jpg');

      expectSuccess(res, 200, 'Video thumbnail updated successfully');
      const fresh = fake.uploads.at(-1);
      expect(fresh).toMatchObject({ resourceType: 'image', folder: 'thumbnails' });
      expect(res.body.data.thumbnail.url).toBe(fresh?.secureUrl);
      expect(fake.deletes).toEqual([
        expect.objectContaining({ resourceType: 'image', publicId: old?.publicId, result: 'ok' }),
      ]);
      expect(fake.has('image', String(fresh?.publicId))).toBe(true);
      expect(fake.has('image', String(old?.publicId))).toBe(false);
      expectNoInternalFields(res.body);
    });

    it('answers 502 on a storage failure and keeps the old thumbnail', async () => {
      const video = await uploadVideo(t, owner);
      const before = fake.uploads.length;
      fake.failNext(500);

      expectError(
        await patch(video._id).attach('thumbnail', tinyPng(), 't.png'),
        502,
        'STORAGE_ERROR',
        'Media storage error',
      );

      expect(fake.uploads).toHaveLength(before);
      const read = await api(t).get(`/api/v1/video/${video._id}`);
      expect(read.body.data.thumbnail.url).toBe(video.thumbnail.url);
    });

    it('deletes the new image when saving fails, and keeps the old one', async () => {
      const video = await uploadVideo(t, owner);
      const old = fake.uploads.find((u) => u.resourceType === 'image');
      jest
        .spyOn(VideosRepository.prototype, 'swapThumbnail')
        .mockRejectedValueOnce(new Error('write lost'));
      jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

      expectError(
        await patch(video._id).attach('thumbnail', tinyPng(), 't.png'),
        500,
        'INTERNAL_ERROR',
      );

      const fresh = fake.uploads.at(-1);
      expect(fresh?.publicId).not.toBe(old?.publicId);
      expect(fake.deletes).toEqual([
        expect.objectContaining({ resourceType: 'image', publicId: fresh?.publicId, result: 'ok' }),
      ]);
      expect(fake.has('image', String(old?.publicId))).toBe(true);
    });
  });
});
