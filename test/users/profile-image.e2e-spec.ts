import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Types } from 'mongoose';
import request from 'supertest';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { FakeCloudinaryServer } from 'test/fakes/fake-cloudinary.server';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import {
  API,
  expectError,
  expectNoSecrets,
  expectSuccess,
  type Http,
  RELAXED_LIMITS,
} from 'test/auth/helpers';

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(256, 7)]);
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(256, 9)]);
const GIF = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(256, 1)]);

describe('Users: profile image with local storage', () => {
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    t = await createTestApp(RELAXED_LIMITS);
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const upload = (user: TestUser) =>
    request(http).patch(`${API}/user/profileimage`).set('Cookie', user.cookies);
  const storedFiles = (): string[] => {
    const dir = join(t.config.media.localDir, 'avatars');
    return existsSync(dir) ? readdirSync(dir) : [];
  };
  const keyOf = async (user: TestUser): Promise<string | null> =>
    ((await t.connection.collection('users').findOne({ _id: new Types.ObjectId(user.id) }))
      ?.profileImageKey as string | null) ?? null;

  it('stores the image, points the user at its URL and keeps the key internal', async () => {
    const user = await createVerifiedUser(t);
    const res = await upload(user).attach('profileImage', PNG, {
      filename: 'me.mp4',
      contentType: 'video/mp4',
    });

    expectSuccess(res, 200, 'User profileImage updated successfully');
    expect(res.body.data).toMatchObject({ _id: user.id, email: user.email });
    expect(res.body.data.profileImage).toMatch(
      /^http:\/\/localhost:\d+\/media\/avatars\/[0-9a-f-]{36}\.png$/,
    );
    expect(res.body.data).not.toHaveProperty('profileImageKey');
    expectNoSecrets(res, [user.accessToken]);
    const key = await keyOf(user);
    expect((res.body.data.profileImage as string).endsWith(key ?? '-')).toBe(true);

    const served = await request(http)
      .get(new URL(res.body.data.profileImage as string).pathname)
      .expect(200);
    expect(served.headers['content-type']).toBe('image/png');
  });

  it('deletes the previously uploaded image once the new one is saved', async () => {
    const user = await createVerifiedUser(t);
    await upload(user).attach('profileImage', PNG, 'a.png').expect(200);
    const firstKey = await keyOf(user);
    const before = storedFiles();
    expect(before).toContain(firstKey?.split('/')[1]);

    const res = await upload(user).attach('profileImage', JPEG, 'b.jpg').expect(200);
    expect(res.body.data.profileImage).toMatch(/\.jpg$/);
    const after = storedFiles();
    expect(after).not.toContain(firstKey?.split('/')[1]);
    expect(after).toContain((await keyOf(user))?.split('/')[1]);
    expect(after).toHaveLength(before.length);
  });

  it('rejects bytes that are neither JPEG nor PNG with 415, whatever the declared type, and stores nothing', async () => {
    const user = await createVerifiedUser(t);
    const before = storedFiles().length;
    const res = await upload(user).attach('profileImage', GIF, {
      filename: 'x.png',
      contentType: 'image/png',
    });
    expectError(
      res,
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Invalid profileImage file. Only jpeg or png allowed.',
    );
    expect(storedFiles()).toHaveLength(before);
  });

  it('rejects a file over 5 MB with 413', async () => {
    const user = await createVerifiedUser(t);
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const res = await upload(user).attach('profileImage', big, 'big.png');
    expectError(res, 413, 'PAYLOAD_TOO_LARGE', 'Profile image exceeds 5MB size limit');
  });

  it.each([
    [
      'only a text field',
      (call: request.Test) => call.field('unused', 'x'),
      'unused is not allowed',
    ],
    ['a JSON body', (call: request.Test) => call.send({}), 'profileImage file is required'],
    ['no body at all', (call: request.Test) => call, 'profileImage file is required'],
    [
      'another file field',
      (call: request.Test) => call.attach('avatar', PNG, 'a.png'),
      'Unexpected file field: avatar',
    ],
    [
      'two files',
      (call: request.Test) =>
        call.attach('profileImage', PNG, 'a.png').attach('profileImage', PNG, 'b.png'),
      'Only one profileImage file is allowed',
    ],
    [
      'a text field',
      (call: request.Test) => call.field('caption', 'hello').attach('profileImage', PNG, 'a.png'),
      'caption is not allowed',
    ],
  ])('answers %s with 400', async (_label, build, message) => {
    const user = await createVerifiedUser(t);
    expectError(await build(upload(user)), 400, 'VALIDATION_ERROR', message);
  });

  it('requires a signed-in caller', async () => {
    const res = await request(http)
      .patch(`${API}/user/profileimage`)
      .attach('profileImage', PNG, 'a.png');
    expectError(res, 401, 'UNAUTHORIZED');
  });
});

describe('Users: profile image with Cloudinary', () => {
  let fake: FakeCloudinaryServer;
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    fake = await FakeCloudinaryServer.start();
    t = await createTestApp({ ...RELAXED_LIMITS, ...fake.appEnv });
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const upload = (user: TestUser) =>
    request(http).patch(`${API}/user/profileimage`).set('Cookie', user.cookies);

  it('uploads as resource type image, returns secure_url, and deletes the replaced image as an image', async () => {
    const user = await createVerifiedUser(t);
    const first = await upload(user).attach('profileImage', PNG, 'a.png').expect(200);
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]).toMatchObject({ resourceType: 'image' });
    expect(first.body.data.profileImage).toBe(fake.uploads[0].secureUrl);
    expect(fake.deletes).toHaveLength(0); // the default ui-avatars URL is never "deleted"
    expect(first.text).not.toMatch(/public_id|profileImageKey/);

    await upload(user).attach('profileImage', JPEG, 'b.jpg').expect(200);
    expect(fake.deletes).toEqual([
      expect.objectContaining({ resourceType: 'image', publicId: fake.uploads[0].publicId }),
    ]);
    expect(fake.has('image', fake.uploads[0].publicId)).toBe(false);
    expect(fake.has('image', fake.uploads[1].publicId)).toBe(true);
  });

  it('answers a storage failure with 502 and leaves the user and the storage unchanged', async () => {
    const user = await createVerifiedUser(t);
    fake.failNext(500);
    const res = await upload(user).attach('profileImage', PNG, 'a.png');
    expectError(res, 502, 'STORAGE_ERROR', 'Media storage error');
    expect(res.text).not.toContain('General error');
    const me = await request(http).get(`${API}/auth/me`).set('Cookie', user.cookies).expect(200);
    expect(me.body.data.profileImage).toMatch(/^https:\/\/ui-avatars\.com\//);
    expect(fake.uploads.length - fake.deletes.length).toBe(0);
  });
});
