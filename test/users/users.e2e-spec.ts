import { Types } from 'mongoose';
import request from 'supertest';
import { UsersService } from 'src/modules/users/users.service';
import { createPendingUser, createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { recordCommands } from 'test/utils/db-commands';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import {
  API,
  expectError,
  expectNoSecrets,
  expectSuccess,
  type Http,
  RELAXED_LIMITS,
} from 'test/auth/helpers';

const CARD_KEYS = ['_id', 'isVerified', 'name', 'profileImage', 'username'];
const PROFILE_KEYS = [
  '_id',
  'bio',
  'createdAt',
  'followersCount',
  'followingCount',
  'isFollowed',
  'isFollowedByMe',
  'isVerified',
  'name',
  'profileImage',
  'totalLikes',
  'totalViews',
  'username',
  'videosCount',
];

describe('Users: search, name, bio, profile', () => {
  let t: TestApp;
  let http: Http;
  let caller: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ ...RELAXED_LIMITS, DB_MONITOR_COMMANDS: 'true' });
    http = t.app.getHttpServer();
    caller = await createVerifiedUser(t);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('GET /user/search', () => {
    const search = (query: Record<string, string | string[]>) =>
      request(http).get(`${API}/user/search`).query(query);
    const usernames = (res: request.Response): string[] =>
      (res.body.data as { username: string }[]).map((u) => u.username);

    it('finds verified users by username or name, case-insensitively, ordered by username; never pending ones', async () => {
      const tag = 'zeta';
      await createVerifiedUser(t, { username: `${tag}_bravo`, name: 'Someone' });
      await createVerifiedUser(t, {
        username: 'plain_alpha',
        name: `Mr ${tag.toUpperCase()} Dancer`,
      });
      await createVerifiedUser(t, { username: `${tag}_charlie`, name: 'Other' });
      await createPendingUser(t, { username: `${tag}_pending`, name: `${tag} pending` });

      const res = await search({ query: 'ZETA' });
      expectSuccess(res, 200, 'Users fetched successfully');
      expect(usernames(res)).toEqual(['plain_alpha', `${tag}_bravo`, `${tag}_charlie`]);
      for (const card of res.body.data) expect(Object.keys(card).sort()).toEqual(CARD_KEYS);
      expect(res.body.data[0]).toMatchObject({ isVerified: true, name: 'Mr ZETA Dancer' });
      expectNoSecrets(res, []);
    });

    it('answers an empty or missing query with []', async () => {
      expect((await search({ query: '   ' })).body.data).toEqual([]);
      const missing = await search({});
      expectSuccess(missing, 200, 'Users fetched successfully');
      expect(missing.body.data).toEqual([]);
    });

    it.each(['(', '.*', '[a-', '\\', 'a+b?', '^$', '{2}'])(
      'matches %j literally, never as a pattern',
      async (text) => {
        const res = await search({ query: text });
        expect(res.status).toBe(200);
        expect(res.body.data).toEqual([]);
      },
    );

    it('finds a name containing metacharacters by that literal text', async () => {
      await createVerifiedUser(t, { username: 'meta_chars', name: 'a.*b (x) [a- \\' });
      expect(usernames(await search({ query: '.*b (x) [a- \\' }))).toEqual(['meta_chars']);
      expect(usernames(await search({ query: 'a.b' }))).toEqual([]);
    });

    it('pages with a default limit of 20, ties broken by _id', async () => {
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          createVerifiedUser(t, { username: `pg_${String(i).padStart(2, '0')}`, name: 'Pager' }),
        ),
      );
      const first = await search({ query: 'pager' });
      expect(first.body.data).toHaveLength(20);
      const second = await search({ query: 'pager', page: '2' });
      expect(second.body.data).toHaveLength(5);
      const all = [...usernames(first), ...usernames(second)];
      expect(all).toEqual([...all].sort());
      expect(new Set(all).size).toBe(25);
      expect(usernames(await search({ query: 'pager', limit: '100' }))).toHaveLength(25);
    });

    it('includes the caller and works for anonymous callers; stale credentials get 401', async () => {
      const res = await search({ query: caller.username }).set('Cookie', caller.cookies);
      expect(usernames(res)).toEqual([caller.username]);
      expectError(
        await search({ query: 'x' }).set('Authorization', 'Bearer stale'),
        401,
        'UNAUTHORIZED',
      );
    });

    it.each([
      ['query must be at most 100 characters', { query: 'q'.repeat(101) }],
      ['query must be a single value', { query: ['a', 'b'] }],
      ['limit must be an integer between 1 and 100', { query: 'a', limit: '101' }],
      ['page must be an integer greater than or equal to 1', { query: 'a', page: '0' }],
    ])('answers %s', async (message, query) => {
      expectError(await search(query), 400, 'VALIDATION_ERROR', message);
    });
  });

  describe('PATCH /user/name', () => {
    const rename = (user: TestUser, body: object) =>
      request(http).patch(`${API}/user/name`).set('Cookie', user.cookies).send(body);

    it('sets the trimmed name and returns Me; the avatar URL is kept', async () => {
      const user = await createVerifiedUser(t, { name: 'Old Name' });
      const res = await rename(user, { name: '  New Name  ' });
      expectSuccess(res, 200, 'Name updated successfully');
      expect(res.body.data).toMatchObject({
        _id: user.id,
        name: 'New Name',
        email: user.email,
        pendingEmail: null,
      });
      expect(res.body.data.profileImage).toBe(
        'https://ui-avatars.com/api/?name=Old%20Name&background=random',
      );
      expectNoSecrets(res, [user.password, user.accessToken, user.refreshToken]);
    });

    it.each([
      ['Name is required', {}],
      ['Name is required', { name: '  ' }],
      ['Name must be at most 50 characters', { name: 'x'.repeat(51) }],
      ['name must be a string', { name: ['x'] }],
      ['email is not allowed', { name: 'ok', email: 'x@y.z' }],
    ])('answers %s', async (message, body) => {
      expectError(await rename(caller, body), 400, 'VALIDATION_ERROR', message);
    });

    it('requires a signed-in caller', async () => {
      expectError(
        await request(http).patch(`${API}/user/name`).send({ name: 'x' }),
        401,
        'UNAUTHORIZED',
      );
    });
  });

  describe('PATCH /user/bio', () => {
    const setBio = (body: object) =>
      request(http).patch(`${API}/user/bio`).set('Cookie', caller.cookies).send(body);

    it('sets a trimmed bio and clears it with ""', async () => {
      const set = await setBio({ bio: '  Salsa and bachata  ' });
      expectSuccess(set, 200, 'Bio updated successfully');
      expect(set.body.data.bio).toBe('Salsa and bachata');
      const cleared = await setBio({ bio: '' });
      expect(cleared.body.data.bio).toBe('');
    });

    it.each([
      ['Bio is required', {}],
      ['Bio must be at most 160 characters', { bio: 'b'.repeat(161) }],
      ['bio must be a string', { bio: 42 }],
    ])('answers %s', async (message, body) => {
      expectError(await setBio(body), 400, 'VALIDATION_ERROR', message);
    });

    it('accepts 160 characters after trimming', async () => {
      expect((await setBio({ bio: ` ${'b'.repeat(160)} ` })).status).toBe(200);
    });
  });

  describe('GET /user/:username', () => {
    const profile = (username: string) =>
      request(http).get(`${API}/user/${encodeURIComponent(username)}`);

    it("returns a verified user's public profile without the email; counts are zero for a user without followers or videos", async () => {
      const user = await createVerifiedUser(t, { bio: 'Hip hop' });
      const res = await profile(user.username);
      expectSuccess(res, 200, 'User profile fetched successfully');
      expect(Object.keys(res.body.data).sort()).toEqual(PROFILE_KEYS);
      expect(res.body.data).toMatchObject({
        _id: user.id,
        username: user.username,
        name: user.name,
        bio: 'Hip hop',
        isVerified: true,
        followersCount: 0,
        followingCount: 0,
        videosCount: 0,
        totalViews: 0,
        totalLikes: 0,
        isFollowed: false,
        isFollowedByMe: false,
      });
      expect(res.text).not.toContain(user.email);
    });

    it('trims and lowercases the username', async () => {
      const user = await createVerifiedUser(t);
      expect((await profile(` ${user.username.toUpperCase()} `)).body.data._id).toBe(user.id);
    });

    it.each(['ab', 'bad-name!', 'a'.repeat(31), 'admin', 'me'])(
      'answers the malformed or reserved %j with 404 User not found',
      async (username) => {
        expectError(await profile(username), 404, 'NOT_FOUND', 'User not found');
      },
    );

    it('answers pending and unknown users with the same 404', async () => {
      const pending = await createPendingUser(t);
      expectError(await profile(pending.username), 404, 'NOT_FOUND', 'User not found');
      expectError(await profile('nobody_by_that_name'), 404, 'NOT_FOUND', 'User not found');
    });

    it('is optional: works signed in, anonymous, and answers stale credentials with 401', async () => {
      const user = await createVerifiedUser(t);
      await profile(user.username).set('Cookie', caller.cookies).expect(200);
      expectError(
        await profile(user.username).set('Authorization', 'Bearer stale'),
        401,
        'UNAUTHORIZED',
      );
    });
  });

  describe('UsersService for other domains', () => {
    it('findOwnerLites: verified users only, in one query', async () => {
      const a = await createVerifiedUser(t);
      const b = await createVerifiedUser(t);
      const pending = await createPendingUser(t);
      const log = recordCommands(t.connection);
      try {
        const owners = await t.app
          .get(UsersService)
          .findOwnerLites([
            a.id,
            b.id,
            pending.id,
            a.id,
            new Types.ObjectId().toHexString(),
            'not-an-id',
          ]);
        expect(log.names).toEqual(['find']);
        expect([...owners.keys()].sort()).toEqual([a.id, b.id].sort());
        expect(owners.get(a.id)).toEqual({
          _id: a.id,
          username: a.username,
          name: a.name,
          profileImage: expect.any(String),
        });
      } finally {
        log.stop();
      }
    });

    it('findVisibleUserById and isVerified ignore pending accounts', async () => {
      const users = t.app.get(UsersService);
      const pending = await createPendingUser(t);
      expect(await users.findVisibleUserById(pending.id)).toBeNull();
      expect(await users.isVerified(pending.id)).toBe(false);
      expect(await users.findVisibleUserById(caller.id)).toMatchObject({
        _id: caller.id,
        username: caller.username,
      });
      expect(await users.isVerified(caller.id)).toBe(true);
    });
  });
});
