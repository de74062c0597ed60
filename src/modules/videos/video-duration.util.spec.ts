import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMp4DurationSeconds as sut } from 'src/modules/videos/video-duration.util';
import {
  mp4WithoutDuration,
  tinyJpeg,
  tinyMp4,
  tinyPng,
  writeMp4File,
} from 'test/fixtures/media.fixture';

describe('readMp4DurationSeconds', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dancely-duration-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(content: Buffer): Promise<string> {
    // Upload temp files carry no meaningful extension; the parser must go by the bytes.
    const path = join(dir, `${Math.random().toString(36).slice(2)}.upload`);
    await writeFile(path, content);
    return path;
  }

  it('reads the duration of an MP4 with video and audio tracks', async () => {
    expect(await sut(await file(tinyMp4({ durationSeconds: 2.5 })))).toBeCloseTo(2.5, 3);
  });

  it('reads the duration of a video-only MP4 from its track header', async () => {
    expect(await sut(await file(tinyMp4({ durationSeconds: 7.25, audio: false })))).toBeCloseTo(
      7.25,
      3,
    );
  });

  it('reads a large MP4 whose media data follows the headers', async () => {
    const path = join(dir, 'large.upload');
    await writeMp4File(path, 3 * 1024 * 1024 + 7, { durationSeconds: 95 });
    expect(await sut(path)).toBeCloseTo(95, 3);
  });

  it.each([
    ['an MP4 without a movie header', mp4WithoutDuration()],
    ['a PNG', tinyPng()],
    ['a JPEG', tinyJpeg()],
    ['an empty file', Buffer.alloc(0)],
    ['a truncated MP4', tinyMp4().subarray(0, 60)],
  ])('answers null for %s', async (_label, content) => {
    expect(await sut(await file(content))).toBeNull();
  });

  it('lets a disk error through instead of calling the file unreadable', async () => {
    await expect(sut(join(dir, 'gone.upload'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
