import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudinaryMediaStorage } from 'src/infrastructure/media/cloudinary-media-storage.adapter';
import { MediaStorageError } from 'src/infrastructure/media/media-storage.port';
import { FakeCloudinaryServer, stringToSign } from 'test/fakes/fake-cloudinary.server';

const MP4_HEADER = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');
const mp4 = (size: number): Buffer =>
  Buffer.concat([MP4_HEADER, Buffer.alloc(size - MP4_HEADER.length, 1)]);
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(200, 2)]);
const JPEG = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.alloc(200, 3)]);

describe('CloudinaryMediaStorage against the fake Cloudinary API', () => {
  let fake: FakeCloudinaryServer;
  let dir: string;
  let sut: CloudinaryMediaStorage;

  beforeAll(async () => {
    fake = await FakeCloudinaryServer.start();
    dir = await mkdtemp(join(tmpdir(), 'dancely-cloudinary-'));
  });
  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.reset();
    sut = new CloudinaryMediaStorage({ cloudinary: fake.config });
  });

  async function file(name: string, content: Buffer): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  }

  describe('upload', () => {
    it('uploads a video file as resource type video and returns secure_url, public_id and duration', async () => {
      fake.videoDuration = 42.25;
      const path = await file('clip', mp4(4096));

      const stored = await sut.upload({
        source: { path },
        resourceType: 'video',
        contentType: 'video/mp4',
        folder: 'videos',
      });

      expect(fake.uploads).toHaveLength(1);
      const upload = fake.uploads[0];
      expect(upload).toMatchObject({ resourceType: 'video', folder: 'videos', bytes: 4096 });
      expect(stored).toEqual({
        url: upload.secureUrl,
        key: upload.publicId,
        resourceType: 'video',
        durationSeconds: 42.25,
        bytes: 4096,
      });
      expect(stored.url).toMatch(
        new RegExp(
          `^https://res\\.cloudinary\\.com/${fake.cloudName}/video/upload/v\\d+/videos/\\w+\\.mp4$`,
        ),
      );
      expect(fake.has('video', stored.key)).toBe(true);
    });

    it('streams a video larger than one chunk in several signed requests', async () => {
      const content = mp4(21 * 1024 * 1024 + 5);
      const path = await file('big', content);

      const stored = await sut.upload({
        source: { path },
        resourceType: 'video',
        contentType: 'video/mp4',
        folder: 'videos',
      });

      expect(fake.uploads[0]).toMatchObject({ chunks: 2, bytes: content.length });
      expect(stored.bytes).toBe(content.length);
    });

    it('uploads an in-memory image as resource type image, with no duration', async () => {
      const stored = await sut.upload({
        source: { buffer: PNG },
        resourceType: 'image',
        contentType: 'image/png',
        folder: 'avatars',
      });

      expect(fake.uploads[0]).toMatchObject({
        resourceType: 'image',
        folder: 'avatars',
        chunks: 1,
      });
      expect(stored.url).toMatch(/\/image\/upload\/v\d+\/avatars\/\w+\.png$/);
      expect(stored.durationSeconds).toBeNull();
    });

    it('uploads an image file as resource type image', async () => {
      const path = await file('thumb', JPEG);

      const stored = await sut.upload({
        source: { path },
        resourceType: 'image',
        contentType: 'image/jpeg',
        folder: 'thumbnails',
      });

      expect(fake.uploads[0]?.resourceType).toBe('image');
      expect(stored.url).toContain('/image/upload/');
    });

    it('sends a SHA-1 signature of the sorted parameters plus the API secret', async () => {
      await sut.upload({
        source: { buffer: PNG },
        resourceType: 'image',
        contentType: 'image/png',
        folder: 'avatars',
      });

      const { signature, ...params } = fake.uploads[0].params;
      expect(params.api_key).toBe(fake.apiKey);
      expect(params.folder).toBe('avatars');
      expect(signature).toBe(
        createHash('sha1')
          .update(stringToSign(params) + fake.apiSecret)
          .digest('hex'),
      );
    });

    it('fails with a non-media MediaStorageError when the signature does not verify', async () => {
      const wrongSecret = new CloudinaryMediaStorage({
        cloudinary: { ...fake.config, apiSecret: 'not-the-secret' },
      });

      const error = await wrongSecret
        .upload({
          source: { buffer: PNG },
          resourceType: 'image',
          contentType: 'image/png',
          folder: 'avatars',
        })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(MediaStorageError);
      expect(error).toMatchObject({ unreadableMedia: false });
      expect(fake.rejections[0]?.status).toBe(401);
      expect(fake.rejections[0]?.message).toMatch(/^Invalid Signature/);
      expect(fake.uploads).toHaveLength(0);
    });

    it('flags non-MP4 bytes sent as a video as unreadable media', async () => {
      const path = await file('fake-video', Buffer.from('definitely not an mp4 file at all'));

      const error = await sut
        .upload({
          source: { path },
          resourceType: 'video',
          contentType: 'video/mp4',
          folder: 'videos',
        })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(MediaStorageError);
      expect(error).toMatchObject({ unreadableMedia: true });
      expect(fake.rejections[0]).toMatchObject({
        status: 400,
        message: 'Unsupported video format or file',
      });
    });

    it('flags non-image bytes sent as an image as unreadable media', async () => {
      const error = await sut
        .upload({
          source: { buffer: mp4(512) },
          resourceType: 'image',
          contentType: 'image/png',
          folder: 'avatars',
        })
        .catch((e: unknown) => e);

      expect(error).toMatchObject({ name: 'MediaStorageError', unreadableMedia: true });
      expect(fake.rejections[0]).toMatchObject({ status: 400, message: 'Invalid image file' });
    });

    it.each([[500], [502], [401], [420]])(
      'reports a %i answer as an outage, not as bad media',
      async (status) => {
        fake.failNext(status, 'Something went wrong');

        const error = await sut
          .upload({
            source: { buffer: PNG },
            resourceType: 'image',
            contentType: 'image/png',
            folder: 'avatars',
          })
          .catch((e: unknown) => e);

        expect(error).toBeInstanceOf(MediaStorageError);
        expect(error).toMatchObject({ unreadableMedia: false });
      },
    );

    it('only trusts a media complaint that comes with a 400', async () => {
      fake.failNext(500, 'Invalid image file');

      await expect(
        sut.upload({
          source: { buffer: PNG },
          resourceType: 'image',
          contentType: 'image/png',
          folder: 'avatars',
        }),
      ).rejects.toMatchObject({ name: 'MediaStorageError', unreadableMedia: false });
    });

    it('reports a failed chunk of a file upload as a storage error', async () => {
      fake.failNext(500);
      const path = await file('clip-failing', mp4(2048));

      await expect(
        sut.upload({
          source: { path },
          resourceType: 'video',
          contentType: 'video/mp4',
          folder: 'videos',
        }),
      ).rejects.toMatchObject({ name: 'MediaStorageError', unreadableMedia: false });
    });

    it('reports an unreachable API as a storage error', async () => {
      const closed = await FakeCloudinaryServer.start();
      const config = closed.config;
      await closed.close();
      const unreachable = new CloudinaryMediaStorage({ cloudinary: config });

      await expect(
        unreachable.upload({
          source: { buffer: PNG },
          resourceType: 'image',
          contentType: 'image/png',
          folder: 'avatars',
        }),
      ).rejects.toMatchObject({ name: 'MediaStorageError', unreadableMedia: false });
    });
  });

  describe('delete', () => {
    it('destroys a video with resource type video and invalidation', async () => {
      const path = await file('to-delete', mp4(1024));
      const stored = await sut.upload({
        source: { path },
        resourceType: 'video',
        contentType: 'video/mp4',
        folder: 'videos',
      });

      await sut.delete(stored.key, 'video');

      expect(fake.deletes).toEqual([
        { resourceType: 'video', publicId: stored.key, invalidate: true, result: 'ok' },
      ]);
      expect(fake.has('video', stored.key)).toBe(false);
    });

    it('destroys an image with resource type image', async () => {
      const stored = await sut.upload({
        source: { buffer: PNG },
        resourceType: 'image',
        contentType: 'image/png',
        folder: 'avatars',
      });

      await sut.delete(stored.key, 'image');

      expect(fake.deletes[0]).toMatchObject({ resourceType: 'image', result: 'ok' });
      expect(fake.has('image', stored.key)).toBe(false);
    });

    it('treats "not found" as success', async () => {
      await expect(sut.delete('videos/never-uploaded', 'video')).resolves.toBeUndefined();
      expect(fake.deletes[0]).toMatchObject({ result: 'not found' });
    });

    it.each([[500], [401]])('turns a %i answer into MediaStorageError', async (status) => {
      fake.failNext(status);

      await expect(sut.delete('videos/anything', 'video')).rejects.toBeInstanceOf(
        MediaStorageError,
      );
    });

    it('is refused when signed with the wrong secret', async () => {
      const wrongSecret = new CloudinaryMediaStorage({
        cloudinary: { ...fake.config, apiSecret: 'not-the-secret' },
      });

      await expect(wrongSecret.delete('videos/anything', 'video')).rejects.toBeInstanceOf(
        MediaStorageError,
      );
      expect(fake.deletes).toHaveLength(0);
    });
  });
});

describe('FakeCloudinaryServer', () => {
  let fake: FakeCloudinaryServer;

  beforeAll(async () => {
    fake = await FakeCloudinaryServer.start();
  });
  afterAll(async () => {
    await fake.close();
  });

  function form(fields: Record<string, string>, file?: Buffer): FormData {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    if (file) body.append('file', new Blob([new Uint8Array(file)]), 'file');
    return body;
  }

  function signed(fields: Record<string, string>): Record<string, string> {
    const signature = createHash('sha1')
      .update(stringToSign(fields) + fake.apiSecret)
      .digest('hex');
    return { ...fields, signature, api_key: fake.apiKey };
  }

  it('rejects a tampered parameter because the signature no longer matches', async () => {
    const fields = signed({ timestamp: String(Math.floor(Date.now() / 1000)), folder: 'avatars' });
    fields.folder = 'elsewhere';

    const res = await fetch(`${fake.url}/v1_1/${fake.cloudName}/image/upload`, {
      method: 'POST',
      body: form(fields, PNG),
    });

    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { message: string } };
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.message).toMatch(/^Invalid Signature/);
  });

  it('requires the file, and a fresh timestamp', async () => {
    const now = Math.floor(Date.now() / 1000);
    const noFile = await fetch(`${fake.url}/v1_1/${fake.cloudName}/image/upload`, {
      method: 'POST',
      body: form(signed({ timestamp: String(now) })),
    });
    const stale = await fetch(`${fake.url}/v1_1/${fake.cloudName}/image/upload`, {
      method: 'POST',
      body: form(signed({ timestamp: String(now - 7200) }), PNG),
    });

    expect(noFile.status).toBe(400);
    expect(await noFile.json()).toEqual({
      error: { message: 'Missing required parameter - file' },
    });
    expect(stale.status).toBe(400);
  });

  it('answers 401 for an unknown cloud name', async () => {
    const res = await fetch(`${fake.url}/v1_1/someone-else/image/upload`, {
      method: 'POST',
      body: form(signed({ timestamp: String(Math.floor(Date.now() / 1000)) }), PNG),
    });

    expect(res.status).toBe(401);
  });
});
