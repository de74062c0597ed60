import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { ResumableUploadsService } from 'src/modules/resumable-uploads/resumable-uploads.service';
import { createVerifiedUser, signIn, type TestUser } from 'test/factories/users.factory';
import { makeMp4 } from 'test/fixtures/ffmpeg.fixture';
import {
  createUpload,
  droppedPatch,
  headUpload,
  OFFSET_STREAM,
  patchUpload,
  TUS,
} from 'test/uploads/tus-test.util';
import { listeningPort } from 'test/utils/raw-http';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import { expectError } from 'test/videos/video-test.util';

const SECRET = 'resumable-uploads-test-secret-0123456789abcdef';
const MB = 1024 * 1024;

/** Issue 16: tus 1.0 at /api/v1/uploads (docs/api.md#resumable-uploads). */
describe('Resumable uploads (tus)', () => {
  let t: TestApp;
  let owner: TestUser;
  let other: TestUser;
  let video: Buffer;

  beforeAll(async () => {
    t = await createTestApp({
      JWT_ACCESS_SECRET: SECRET,
      RESUMABLE_UPLOAD_MAX_UNFINISHED_PER_USER: '3',
      RESUMABLE_UPLOAD_DAILY_BYTES_PER_USER: String(150 * MB),
    });
    owner = await createVerifiedUser(t);
    other = await createVerifiedUser(t);
    await makeMp4(join(t.dir, 'clip.mp4'), { seconds: 4 });
    video = await readFile(join(t.dir, 'clip.mp4'));
  });
  afterAll(async () => {
    await t?.close();
  });

  const uploadsDir = (app: TestApp = t): string => app.config.media.resumable.dir;
  const thirds = (bytes: Buffer): [Buffer, Buffer, Buffer] => {
    const a = Math.floor(bytes.length / 3);
    return [bytes.subarray(0, a), bytes.subarray(a, 2 * a), bytes.subarray(2 * a)];
  };

  it('takes a real MP4 in three chunks across a dropped connection, resuming from HEAD', async () => {
    const { res, id } = await createUpload(t, owner.authHeader, video.length);
    expect(res.status).toBe(201);
    expect(res.headers['tus-resumable']).toBe('1.0.0');
    expect(res.headers.location).toBe(`/api/v1/uploads/${id}`);
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(res.headers['upload-expires']).toBeDefined();

    const [one, two, three] = thirds(video);
    const first = await patchUpload(t, owner.authHeader, id, 0, one);
    expect(first.status).toBe(204);
    expect(Number(first.headers['upload-offset'])).toBe(one.length);

    // The second chunk: half of it goes out, then the connection drops.
    const port = await listeningPort(t);
    const half = Math.floor(two.length / 2);
    const file = join(uploadsDir(), id);
    await droppedPatch(port, owner.authHeader, id, one.length, two, half, async () => {
      return (await stat(file)).size >= one.length + half;
    });
    const head = await headUpload(t, owner.authHeader, id);
    expect(head.status).toBe(200);
    expect(head.headers['cache-control']).toBe('no-store');
    expect(Number(head.headers['upload-length'])).toBe(video.length);
    const resumeAt = Number(head.headers['upload-offset']);
    // What arrived before the drop is kept.
    expect(resumeAt).toBe(one.length + half);

    // A PATCH at a stale offset is refused; at the offset HEAD gave, it continues.
    const stale = await patchUpload(t, owner.authHeader, id, 0, one);
    expectError(stale, 409, 'CONFLICT');
    const rest = Buffer.concat([two, three]).subarray(resumeAt - one.length);
    const second = await patchUpload(t, owner.authHeader, id, resumeAt, rest.subarray(0, 1000));
    expect(Number(second.headers['upload-offset'])).toBe(resumeAt + 1000);
    const last = await patchUpload(t, owner.authHeader, id, resumeAt + 1000, rest.subarray(1000));
    expect(last.status).toBe(204);
    expect(Number(last.headers['upload-offset'])).toBe(video.length);

    expect((await readFile(join(uploadsDir(), id))).equals(video)).toBe(true);
    const record = await t.connection.collection('resumable_uploads').findOne({ _id: id as never });
    expect(record).toMatchObject({ state: 'finished', length: video.length });
  });

  it('resumes after the application restarts', async () => {
    const shared = { JWT_ACCESS_SECRET: SECRET, RESUMABLE_UPLOAD_DIR: join(t.dir, 'shared-tus') };
    const first = await createTestApp(shared);
    const user = await createVerifiedUser(first);
    const { id } = await createUpload(first, user.authHeader, video.length);
    const [one] = thirds(video);
    expect((await patchUpload(first, user.authHeader, id, 0, one)).status).toBe(204);
    // Stop the app without dropping its database, then start another on the same data.
    await first.app.close();
    const second = await createTestApp({ ...shared, MONGODB_URI: first.config.database.uri! });
    try {
      const head = await headUpload(second, user.authHeader, id);
      expect(head.status).toBe(200);
      expect(Number(head.headers['upload-offset'])).toBe(one.length);
      const rest = await patchUpload(
        second,
        user.authHeader,
        id,
        one.length,
        video.subarray(one.length),
      );
      expect(Number(rest.headers['upload-offset'])).toBe(video.length);
      expect((await readFile(join(shared.RESUMABLE_UPLOAD_DIR, id))).equals(video)).toBe(true);
    } finally {
      await second.close();
    }
  });

  it("answers 404 to another user's HEAD, PATCH and DELETE, and leaves the upload alone", async () => {
    const { id } = await createUpload(t, owner.authHeader, 10);
    const asOther = [
      await headUpload(t, other.authHeader, id),
      await patchUpload(t, other.authHeader, id, 0, Buffer.from('0123456789')),
      await request(t.app.getHttpServer())
        .delete(`/api/v1/uploads/${id}`)
        .set('Authorization', other.authHeader)
        .set(TUS),
    ];
    expect(asOther.map((res) => res.status)).toEqual([404, 404, 404]);
    for (const res of asOther.slice(1)) expectError(res, 404, 'NOT_FOUND', 'Upload not found');
    const head = await headUpload(t, owner.authHeader, id);
    expect(Number(head.headers['upload-offset'])).toBe(0);
    await request(t.app.getHttpServer())
      .delete(`/api/v1/uploads/${id}`)
      .set('Authorization', owner.authHeader)
      .set(TUS)
      .expect(204);
  });

  it('terminates an upload: DELETE removes its files, and the id is gone', async () => {
    const { id } = await createUpload(t, owner.authHeader, 100);
    await patchUpload(t, owner.authHeader, id, 0, Buffer.alloc(40, 1));
    expect(await readdir(uploadsDir())).toContain(id);
    const res = await request(t.app.getHttpServer())
      .delete(`/api/v1/uploads/${id}`)
      .set('Authorization', owner.authHeader)
      .set(TUS);
    expect(res.status).toBe(204);
    expect(res.headers['tus-resumable']).toBe('1.0.0');
    expect((await readdir(uploadsDir())).filter((name) => name.startsWith(id))).toEqual([]);
    expect((await headUpload(t, owner.authHeader, id)).status).toBe(404);
  });

  it('refuses an Upload-Length over the video limit with 413 before storing anything', async () => {
    const before = await readdir(uploadsDir());
    const { res } = await createUpload(t, owner.authHeader, 100 * MB + 1);
    expectError(res, 413, 'PAYLOAD_TOO_LARGE', 'Video file exceeds 100MB size limit');
    expect(await readdir(uploadsDir())).toEqual(before);
  });

  it('caps unfinished uploads per user (429) and the bytes declared per day (413)', async () => {
    const user = await createVerifiedUser(t);
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { res, id } = await createUpload(t, user.authHeader, 40 * MB);
      expect(res.status).toBe(201);
      ids.push(id);
    }
    const fourth = await createUpload(t, user.authHeader, 1);
    expectError(fourth.res, 429, 'TOO_MANY_UNFINISHED_UPLOADS');
    expect(fourth.res.headers['retry-after']).toBeDefined();
    // Finishing one frees a place; the day's bytes (3 × 40 MB of 150 MB) still count.
    await patchUpload(t, user.authHeader, ids[0], 0, Buffer.alloc(0));
    await request(t.app.getHttpServer())
      .delete(`/api/v1/uploads/${ids[1]}`)
      .set('Authorization', user.authHeader)
      .set(TUS)
      .expect(204);
    const overQuota = await createUpload(t, user.authHeader, 31 * MB);
    expectError(
      overQuota.res,
      413,
      'UPLOAD_QUOTA_EXCEEDED',
      'Daily upload quota of 150MB exceeded',
    );
    expect((await createUpload(t, user.authHeader, 30 * MB)).res.status).toBe(201);
  });

  it('removes expired uploads and their files in the scheduled clean-up', async () => {
    const { id } = await createUpload(t, owner.authHeader, 100);
    await patchUpload(t, owner.authHeader, id, 0, Buffer.alloc(10, 2));
    const cleanup = t.app.get(ResumableUploadsService);
    // Nothing is due yet.
    await cleanup.removeExpired(new Date());
    expect(await readdir(uploadsDir())).toContain(id);
    const expired = await cleanup.removeExpired(new Date(Date.now() + 25 * 3_600_000));
    expect(expired).toBeGreaterThanOrEqual(1);
    expect((await readdir(uploadsDir())).filter((name) => name.startsWith(id))).toEqual([]);
    expectError(
      await patchUpload(t, owner.authHeader, id, 10, Buffer.alloc(1)),
      404,
      'NOT_FOUND',
      'Upload not found',
    );
  });

  it('requires the caller to be signed in with a live session, and the tus version', async () => {
    const anonymous = await request(t.app.getHttpServer())
      .post('/api/v1/uploads')
      .set(TUS)
      .set('Upload-Length', '10');
    expectError(anonymous, 401, 'UNAUTHORIZED');
    const session = await signIn(t, owner);
    await t.connection
      .collection<{ _id: string }>('sessions')
      .updateOne({ _id: session.sessionId }, { $set: { revokedAt: new Date() } });
    expectError((await createUpload(t, session.authHeader, 10)).res, 401, 'UNAUTHORIZED');
    const cookie = await request(t.app.getHttpServer())
      .post('/api/v1/uploads')
      .set('Cookie', owner.cookies)
      .set(TUS)
      .set('Upload-Length', '10');
    expect(cookie.status).toBe(201);
    const noVersion = await request(t.app.getHttpServer())
      .post('/api/v1/uploads')
      .set('Authorization', owner.authHeader)
      .set('Upload-Length', '10');
    expectError(noVersion, 412, 'PRECONDITION_FAILED', 'Tus-Resumable: 1.0.0 is required');
    const noLength = await request(t.app.getHttpServer())
      .post('/api/v1/uploads')
      .set('Authorization', owner.authHeader)
      .set(TUS)
      .set('Upload-Defer-Length', '1');
    expectError(noLength, 400, 'BAD_REQUEST');
    const wrongType = await request(t.app.getHttpServer())
      .patch(`/api/v1/uploads/${String(cookie.headers.location).split('/').pop()}`)
      .set('Authorization', owner.authHeader)
      .set(TUS)
      .set('Upload-Offset', '0')
      .set('Content-Type', 'application/json')
      .send('{"a":1}');
    expectError(wrongType, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(OFFSET_STREAM).toBe('application/offset+octet-stream');
  });

  it('refuses malformed creation headers with 400 and stores nothing', async () => {
    const owner = await createVerifiedUser(t);
    const create = (headers: Record<string, string>) =>
      request(t.app.getHttpServer())
        .post('/api/v1/uploads')
        .set('Authorization', owner.authHeader)
        .set(TUS)
        .set(headers);
    const name = Buffer.from('clip.mp4').toString('base64');
    const before = await t.connection.collection('resumable_uploads').countDocuments();
    for (const [headers, message] of [
      [
        { 'Upload-Length': '' },
        'Upload-Length must be a non-negative integer (deferred lengths are not supported)',
      ],
      [
        { 'Upload-Length': '-1' },
        'Upload-Length must be a non-negative integer (deferred lengths are not supported)',
      ],
      [{ 'Upload-Length': '10', 'Upload-Metadata': '' }, METADATA_MESSAGE],
      [{ 'Upload-Length': '10', 'Upload-Metadata': 'filename' + ' not-base64!' }, METADATA_MESSAGE],
      [
        { 'Upload-Length': '10', 'Upload-Metadata': `filename ${name},filename ${name}` },
        METADATA_MESSAGE,
      ],
      [{ 'Upload-Length': '10', 'Upload-Metadata': `filename  ${name}` }, METADATA_MESSAGE],
    ] as const)
      expectError(await create(headers), 400, 'BAD_REQUEST', message);
    // first bytes beyond the declared length: 413, nothing kept
    const overflowing = await create({ 'Upload-Length': '8' })
      .set('Content-Type', OFFSET_STREAM)
      .send(Buffer.alloc(13, 1));
    expect(overflowing.status).toBe(413);
    expect(await t.connection.collection('resumable_uploads').countDocuments()).toBe(before);
    // the forms tus allows: a key with a value, a key alone, an empty value
    const fine = await create({
      'Upload-Length': '10',
      'Upload-Metadata': `filename ${name},live,note `,
    });
    expect(fine.status).toBe(201);
  });
});

const METADATA_MESSAGE =
  'Upload-Metadata must be comma-separated `key base64` pairs, each key once';
