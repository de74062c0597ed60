import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { LocalMediaStorage } from 'src/infrastructure/media/local-media-storage.adapter';
import { MediaStorageError } from 'src/infrastructure/media/media-storage.port';

const MP4 = Buffer.concat([
  Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex'),
  Buffer.alloc(64, 7),
]);
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('rest-of-png')]);
const KEY = /^videos\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.mp4$/;

describe('LocalMediaStorage', () => {
  let root: string;
  let mediaDir: string;
  let tmpDir: string;
  let sut: LocalMediaStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'dancely-local-media-'));
    mediaDir = join(root, 'media');
    tmpDir = join(root, 'uploads');
    sut = new LocalMediaStorage({
      localDir: mediaDir,
      publicBaseUrl: 'http://localhost:8000/',
      uploadTmpDir: tmpDir,
    });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function tempFile(content: Buffer): Promise<string> {
    const path = join(root, `upload-${Math.random().toString(36).slice(2)}`);
    await writeFile(path, content);
    return path;
  }

  describe('rendition folders', () => {
    it('creates a random hls folder whose playlists and segments are served with their types', async () => {
      const folder = await sut.createRenditionFolder();
      expect(folder.key).toMatch(/^hls\/[0-9a-f-]{36}$/);
      await writeFile(join(folder.dir, 'master.m3u8'), '#EXTM3U\n');
      await writeFile(join(folder.dir, '360p_000.ts'), Buffer.alloc(188));
      expect(sut.renditionUrl(folder.key, 'master.m3u8')).toBe(
        `http://localhost:8000/media/${folder.key}/master.m3u8`,
      );
      expect((await sut.open(`${folder.key}/master.m3u8`))?.contentType).toBe(
        'application/vnd.apple.mpegurl',
      );
      expect((await sut.open(`${folder.key}/360p_000.ts`))?.contentType).toBe('video/mp2t');
      // Only ffmpeg's flat names: no other extension, no nesting, no traversal.
      await writeFile(join(folder.dir, 'notes.txt'), 'x');
      expect(await sut.open(`${folder.key}/notes.txt`)).toBeNull();
      expect(await sut.open(`${folder.key}/../${folder.key.slice(4)}/master.m3u8`)).toBeNull();

      await sut.deleteRenditionFolder(folder.key);
      expect(await readdir(join(mediaDir, 'hls'))).toEqual([]);
      await sut.deleteRenditionFolder(folder.key);
      await expect(sut.deleteRenditionFolder('hls/..')).rejects.toBeInstanceOf(MediaStorageError);
      await expect(sut.deleteRenditionFolder('videos')).rejects.toBeInstanceOf(MediaStorageError);
    });
  });

  describe('upload', () => {
    it('copies a temp file under a random key derived from the detected type, leaving the temp file alone', async () => {
      const source = await tempFile(MP4);

      const stored = await sut.upload({
        source: { path: source },
        resourceType: 'video',
        contentType: 'video/mp4',
        folder: 'videos',
      });

      expect(stored.key).toMatch(KEY);
      expect(stored).toEqual({
        url: `http://localhost:8000/media/${stored.key}`,
        key: stored.key,
        resourceType: 'video',
        durationSeconds: null,
        bytes: MP4.length,
      });
      expect(await readFile(join(mediaDir, stored.key))).toEqual(MP4);
      expect((await stat(source)).size).toBe(MP4.length);
    });

    it('writes an in-memory image and never reuses a key', async () => {
      const input = {
        source: { buffer: PNG },
        resourceType: 'image',
        contentType: 'image/png',
        folder: 'avatars',
      } as const;

      const first = await sut.upload(input);
      const second = await sut.upload(input);

      expect(first.key).toMatch(/^avatars\/[0-9a-f-]{36}\.png$/);
      expect(second.key).not.toBe(first.key);
      expect(await readFile(join(mediaDir, first.key))).toEqual(PNG);
    });

    it('stores JPEG content as .jpg', async () => {
      const stored = await sut.upload({
        source: { buffer: Buffer.from('ffd8ffe0', 'hex') },
        resourceType: 'image',
        contentType: 'image/jpeg',
        folder: 'thumbnails',
      });
      expect(stored.key).toMatch(/^thumbnails\/[0-9a-f-]{36}\.jpg$/);
    });

    it.each([['../escape'], ['a/b'], ['']])('refuses the folder %j', async (folder) => {
      await expect(
        sut.upload({
          source: { buffer: PNG },
          resourceType: 'image',
          contentType: 'image/png',
          folder,
        }),
      ).rejects.toBeInstanceOf(MediaStorageError);
    });

    it('reports a missing temp file as a storage error and leaves nothing behind', async () => {
      const error = await sut
        .upload({
          source: { path: join(root, 'gone') },
          resourceType: 'video',
          contentType: 'video/mp4',
          folder: 'videos',
        })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(MediaStorageError);
      expect((error as MediaStorageError).unreadableMedia).toBe(false);
      expect(await readdir(join(mediaDir, 'videos'))).toEqual([]);
    });
  });

  describe('delete', () => {
    it('removes the file and succeeds again when it is already gone', async () => {
      const stored = await sut.upload({
        source: { buffer: PNG },
        resourceType: 'image',
        contentType: 'image/png',
        folder: 'avatars',
      });

      await sut.delete(stored.key, 'image');
      await expect(stat(join(mediaDir, stored.key))).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(sut.delete(stored.key, 'image')).resolves.toBeUndefined();
    });

    it.each([
      ['../outside.png'],
      ['videos/../../outside.png'],
      ['/etc/passwd'],
      ['videos/not-a-uuid.mp4'],
    ])('refuses the key %j without touching the disk', async (key) => {
      const outside = join(root, 'outside.png');
      await writeFile(outside, PNG);

      await expect(sut.delete(key, 'image')).rejects.toBeInstanceOf(MediaStorageError);
      expect(await readFile(outside)).toEqual(PNG);
    });
  });

  describe('open', () => {
    it('describes a stored file and streams the whole file or an inclusive range', async () => {
      const content = Buffer.from('0123456789abcdef');
      const stored = await sut.upload({
        source: { path: await tempFile(Buffer.concat([MP4.subarray(0, 12), content])) },
        resourceType: 'video',
        contentType: 'video/mp4',
        folder: 'videos',
      });

      const file = await sut.open(stored.key);

      expect(file).toMatchObject({
        path: join(mediaDir, stored.key),
        size: 28,
        contentType: 'video/mp4',
      });
      expect(await text(file!.stream({ start: 12, end: 15 }))).toBe('0123');
      expect((await text(file!.stream())).length).toBe(28);
    });

    it.each([
      ['videos/00000000-0000-4000-8000-000000000000.mp4'],
      ['../media/videos/x.mp4'],
      ['videos/..%2f..%2fetc'],
      ['.hidden/00000000-0000-4000-8000-000000000000.mp4'],
      ['videos'],
    ])('finds nothing for %j', async (key) => {
      await expect(sut.open(key)).resolves.toBeNull();
    });

    it('never serves the upload temp directory, even when it sits inside the media dir', async () => {
      const nested = new LocalMediaStorage({
        localDir: root,
        publicBaseUrl: 'http://x',
        uploadTmpDir: join(root, 'uploads'),
      });
      const key = 'uploads/00000000-0000-4000-8000-000000000000.mp4';
      await mkdir(join(root, 'uploads'));
      await writeFile(join(root, key), MP4);

      await expect(nested.open(key)).resolves.toBeNull();
    });
  });
});
