import { createHash, randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { Types } from 'mongoose';
import request from 'supertest';
import { createPost } from 'test/factories/posts.factory';
import { createVerifiedUser, signIn, type TestUser } from 'test/factories/users.factory';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import {
  API,
  cookieValue,
  expectCookiesCleared,
  expectError,
  expectNoSecrets,
  expectSuccess,
  type Http,
  login,
  RELAXED_LIMITS,
  setCookies,
  type StoredSession,
} from 'test/auth/helpers';

const sha256 = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const secretOf = (refreshToken: string): string => refreshToken.split('.')[1];
const randomSecret = (): string => randomBytes(32).toString('base64url');

/**
 * Every ObjectId the process that made `before` and `after` can have made in between: the same
 * 5 random bytes, a timestamp between theirs and a counter strictly between theirs. This is how
 * an attacker predicts an ObjectId from two public ids created around it (issue 11).
 */
function objectIdsBetween(before: string, after: string): string[] {
  const first = Buffer.from(before, 'hex');
  const last = Buffer.from(after, 'hex');
  expect(first.subarray(4, 9).equals(last.subarray(4, 9))).toBe(true);
  const candidates: string[] = [];
  for (let counter = first.readUIntBE(9, 3) + 1; counter < last.readUIntBE(9, 3); counter += 1) {
    for (let time = first.readUInt32BE(0); time <= last.readUInt32BE(0); time += 1) {
      const id = Buffer.alloc(12);
      id.writeUInt32BE(time, 0);
      first.copy(id, 4, 4, 9);
      id.writeUIntBE(counter, 9, 3);
      candidates.push(id.toString('hex'));
    }
  }
  return candidates;
}

/** Differing bits of two equally long byte strings. */
function bitDistance(a: Buffer, b: Buffer): number {
  let bits = 0;
  for (let i = 0; i < a.length; i += 1) {
    for (let x = a[i] ^ b[i]; x; x &= x - 1) bits += 1;
  }
  return bits;
}

describe('Auth: sessions, refresh, logout, change-password', () => {
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    t = await createTestApp({ ...RELAXED_LIMITS, MAX_SESSIONS_PER_USER: '3' });
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const sessions = () => t.connection.collection<StoredSession>('sessions');
  const sessionDoc = (sessionId: string) => sessions().findOne({ _id: sessionId });
  const me = (access: string) =>
    request(http).get(`${API}/auth/me`).set('Authorization', `Bearer ${access}`);
  const refreshWithCookie = (refreshToken: string) =>
    request(http).post(`${API}/auth/refresh-token`).set('Cookie', `refreshToken=${refreshToken}`);
  const logout = () => request(http).post(`${API}/auth/logout`);
  const expiredAccessToken = (userId: string, sessionId: string) =>
    t.app
      .get(JwtService)
      .signAsync(
        { sub: userId, sid: sessionId, exp: Math.floor(Date.now() / 1000) - 60 },
        { secret: t.config.auth.accessSecret, algorithm: 'HS256' },
      );

  describe('POST /auth/refresh-token', () => {
    it('rotates: new refresh and access tokens in both cookies, hash replaced, expiry slid', async () => {
      const user = await createVerifiedUser(t);
      const before = await sessionDoc(user.sessionId);
      await sessions().updateOne(
        { _id: before?._id },
        { $set: { expiresAt: new Date(Date.now() + 60_000) } },
      );

      const res = await refreshWithCookie(user.refreshToken);
      expectSuccess(res, 200, 'Access token refreshed successfully');
      expect(res.body.data).toBeNull();
      const refreshToken = cookieValue(res, 'refreshToken') ?? '';
      const accessToken = cookieValue(res, 'accessToken') ?? '';
      expect(refreshToken.split('.')[0]).toBe(user.sessionId);
      expect(refreshToken).not.toBe(user.refreshToken);
      for (const cookie of setCookies(res)) {
        expect(cookie.attributes).toEqual({
          path: '/',
          'max-age': '2592000',
          httponly: true,
          samesite: 'Lax',
        });
      }
      expectNoSecrets(res, [refreshToken, accessToken, secretOf(refreshToken), user.refreshToken]);

      const after = await sessionDoc(user.sessionId);
      expect(after?.tokenHash).toBe(sha256(secretOf(refreshToken)));
      expect(after?.previousTokenHash).toBe(sha256(secretOf(user.refreshToken)));
      expect(after?.rotatedAt).toBeInstanceOf(Date);
      expect((after?.expiresAt as Date).getTime()).toBeGreaterThan(Date.now() + 29 * 86400_000);
      expect((after?.lastUsedAt as Date).getTime()).toBeGreaterThan(
        (before?.lastUsedAt as Date).getTime(),
      );
      await me(accessToken).expect(200);
    });

    it('issues a different refresh token at every refresh', async () => {
      const user = await createVerifiedUser(t);
      const seen = new Set([user.refreshToken]);
      let current = user.refreshToken;
      for (let round = 0; round < 3; round += 1) {
        const res = await refreshWithCookie(current).expect(200);
        current = cookieValue(res, 'refreshToken') ?? '';
        seen.add(current);
      }
      expect(seen.size).toBe(4);
    });

    it('takes the token from Bearer when there is no cookie, and prefers the cookie', async () => {
      const user = await createVerifiedUser(t);
      const byBearer = await request(http)
        .post(`${API}/auth/refresh-token`)
        .set('Authorization', `Bearer ${user.refreshToken}`)
        .expect(200);
      const rotated = cookieValue(byBearer, 'refreshToken') ?? '';
      await request(http)
        .post(`${API}/auth/refresh-token`)
        .set('Cookie', `refreshToken=${rotated}`)
        .set('Authorization', 'Bearer garbage')
        .expect(200);
    });

    it('needs no access token and ignores a stale one', async () => {
      const user = await createVerifiedUser(t);
      await request(http)
        .post(`${API}/auth/refresh-token`)
        .set('Cookie', [`refreshToken=${user.refreshToken}`, 'accessToken=stale.jwt.value'])
        .expect(200);
    });

    it('answers no token with 401 UNAUTHORIZED and clears both cookies', async () => {
      const res = await request(http).post(`${API}/auth/refresh-token`);
      expectError(res, 401, 'UNAUTHORIZED', 'UNAUTHORIZED');
      expectCookiesCleared(res);
    });

    it.each([
      ['a malformed token', 'not-a-refresh-token'],
      ['an unknown session', `${new Types.ObjectId().toHexString()}.${'A'.repeat(43)}`],
    ])(
      'answers %s with 401 INVALID_REFRESH_TOKEN and clears both cookies',
      async (_label, token) => {
        const res = await refreshWithCookie(token);
        expectError(res, 401, 'INVALID_REFRESH_TOKEN', 'INVALID_REFRESH_TOKEN');
        expectCookiesCleared(res);
      },
    );

    it('refuses a revoked or expired session, and a user who is no longer verified', async () => {
      const revoked = await createVerifiedUser(t);
      await sessions().updateOne({ _id: revoked.sessionId }, { $set: { revokedAt: new Date() } });
      expectError(await refreshWithCookie(revoked.refreshToken), 401, 'INVALID_REFRESH_TOKEN');

      const expired = await createVerifiedUser(t);
      await sessions().updateOne(
        { _id: expired.sessionId },
        { $set: { expiresAt: new Date(Date.now() - 1000) } },
      );
      expectError(await refreshWithCookie(expired.refreshToken), 401, 'INVALID_REFRESH_TOKEN');

      const unverified = await createVerifiedUser(t);
      await t.connection
        .collection('users')
        .updateOne({ _id: new Types.ObjectId(unverified.id) }, { $set: { isVerified: false } });
      expectError(await refreshWithCookie(unverified.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('accepts the previous token once more within the grace window, without rotating: access cookie only', async () => {
      const user = await createVerifiedUser(t);
      const rotated = await refreshWithCookie(user.refreshToken).expect(200);
      const afterRotation = await sessionDoc(user.sessionId);

      const grace = await refreshWithCookie(user.refreshToken);
      expectSuccess(grace, 200, 'Access token refreshed successfully');
      expect(setCookies(grace).map((cookie) => cookie.name)).toEqual(['accessToken']);
      const afterGrace = await sessionDoc(user.sessionId);
      expect(afterGrace?.tokenHash).toBe(afterRotation?.tokenHash);
      expect(afterGrace?.revokedAt).toBeNull();
      await me(cookieValue(grace, 'accessToken') ?? '').expect(200);
      // The rotated token is still the current one.
      await refreshWithCookie(cookieValue(rotated, 'refreshToken') ?? '').expect(200);
    });

    it('treats the previous token after the grace window as reuse: the session is revoked', async () => {
      const user = await createVerifiedUser(t);
      const rotated = await refreshWithCookie(user.refreshToken).expect(200);
      const current = cookieValue(rotated, 'refreshToken') ?? '';
      const currentAccess = cookieValue(rotated, 'accessToken') ?? '';
      await sessions().updateOne(
        { _id: user.sessionId },
        { $set: { rotatedAt: new Date(Date.now() - 11_000) } },
      );

      const reuse = await refreshWithCookie(user.refreshToken);
      expectError(reuse, 401, 'INVALID_REFRESH_TOKEN', 'INVALID_REFRESH_TOKEN');
      expectCookiesCleared(reuse);
      expect(await sessionDoc(user.sessionId)).toMatchObject({ revokedReason: 'reuse' });
      expectError(await refreshWithCookie(current), 401, 'INVALID_REFRESH_TOKEN');
      expectError(await me(currentAccess), 401, 'UNAUTHORIZED');
    });

    it('treats a token older than the previous one as reuse, even within the grace window', async () => {
      const user = await createVerifiedUser(t);
      const second =
        cookieValue(await refreshWithCookie(user.refreshToken).expect(200), 'refreshToken') ?? '';
      await refreshWithCookie(second).expect(200);
      expectError(await refreshWithCookie(user.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
      expect(await sessionDoc(user.sessionId)).toMatchObject({ revokedReason: 'reuse' });
    });

    it('lets two concurrent refreshes with one token rotate exactly once', async () => {
      for (let round = 0; round < 5; round += 1) {
        const user = await createVerifiedUser(t);
        const results = await Promise.all([
          refreshWithCookie(user.refreshToken),
          refreshWithCookie(user.refreshToken),
        ]);
        expect(results.map((res) => res.status)).toEqual([200, 200]);
        const rotations = results.filter((res) => cookieValue(res, 'refreshToken') !== undefined);
        expect(rotations).toHaveLength(1);
        const stored = await sessionDoc(user.sessionId);
        expect(stored?.previousTokenHash).toBe(sha256(secretOf(user.refreshToken)));
        expect(stored?.tokenHash).toBe(
          sha256(secretOf(cookieValue(rotations[0], 'refreshToken') ?? '')),
        );
        expect(stored?.revokedAt).toBeNull();
      }
    });
  });

  describe('refresh: nobody but the holder of a token can end a session (issue 11)', () => {
    it('an attacker who predicts the session id from two public ids around the login signs nobody out', async () => {
      const attacker = await createVerifiedUser(t);
      const victim = await createVerifiedUser(t);
      const before = await createPost(t, attacker);
      const victimLogin = await login(http, victim.email, victim.password);
      const after = await createPost(t, attacker);

      // With ObjectId session ids the victim's is one of a handful of candidates. With random
      // ids the login makes no ObjectId at all, so there may be none left to try.
      const candidates = objectIdsBetween(before._id, after._id);
      expect(candidates.length).toBeLessThan(200);
      for (const sessionId of candidates) {
        const res = await refreshWithCookie(`${sessionId}.${randomSecret()}`);
        expectError(res, 401, 'INVALID_REFRESH_TOKEN', 'INVALID_REFRESH_TOKEN');
      }

      await me(victimLogin.accessToken).expect(200);
      await refreshWithCookie(victimLogin.refreshToken).expect(200);
      expect(
        await sessions().countDocuments({ user: new Types.ObjectId(victim.id), revokedAt: null }),
      ).toBe(2);
    });

    it('an attacker who knows the session id but not a secret it issued gets 401 and revokes nothing', async () => {
      const victim = await createVerifiedUser(t);
      // Past the grace window, so the previous secret would count as reuse if it were presented.
      const rotated = await refreshWithCookie(victim.refreshToken).expect(200);
      await sessions().updateOne(
        { _id: victim.sessionId },
        { $set: { rotatedAt: new Date(Date.now() - 60_000) } },
      );
      const currentRefresh = cookieValue(rotated, 'refreshToken') ?? '';
      const currentAccess = cookieValue(rotated, 'accessToken') ?? '';

      for (const forged of [
        randomSecret(),
        'A'.repeat(43),
        secretOf(currentRefresh).slice(1) + 'x',
      ]) {
        const res = await refreshWithCookie(`${victim.sessionId}.${forged}`);
        expectError(res, 401, 'INVALID_REFRESH_TOKEN', 'INVALID_REFRESH_TOKEN');
        expectCookiesCleared(res);
        const bearer = await request(http)
          .post(`${API}/auth/refresh-token`)
          .set('Authorization', `Bearer ${victim.sessionId}.${forged}`);
        expectError(bearer, 401, 'INVALID_REFRESH_TOKEN');
      }

      await me(currentAccess).expect(200);
      await refreshWithCookie(currentRefresh).expect(200);
      expect(await sessionDoc(victim.sessionId)).toMatchObject({
        revokedAt: null,
        revokedReason: null,
      });
    });

    it('still revokes the session when a secret it issued and rotated away comes back', async () => {
      const victim = await createVerifiedUser(t);
      let current = victim.refreshToken;
      for (let round = 0; round < 5; round += 1) {
        current = cookieValue(await refreshWithCookie(current).expect(200), 'refreshToken') ?? '';
      }
      const stored = await sessionDoc(victim.sessionId);
      expect(stored?.pastTokenHashes).toHaveLength(5);
      expect(stored?.pastTokenHashes).toContain(sha256(secretOf(victim.refreshToken)));
      expect(JSON.stringify(stored)).not.toContain(secretOf(victim.refreshToken));

      // The first secret, five rotations ago: whoever holds it copied the token at some point.
      const reuse = await refreshWithCookie(victim.refreshToken);
      expectError(reuse, 401, 'INVALID_REFRESH_TOKEN');
      expect(await sessionDoc(victim.sessionId)).toMatchObject({ revokedReason: 'reuse' });
      expectError(await refreshWithCookie(current), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('names sessions with 128 random bits, never with an ObjectId', async () => {
      const user = await createVerifiedUser(t);
      const ids: Buffer[] = [];
      for (let round = 0; round < 4; round += 1) {
        const { accessToken, refreshToken } = await login(http, user.email, user.password);
        const [sessionId] = refreshToken.split('.');
        expect(sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
        expect(sessionId).not.toMatch(/^[0-9a-f]{24}$/);
        expect(Buffer.from(sessionId, 'base64url').toString('base64url')).toBe(sessionId);
        expect(Buffer.from(sessionId, 'base64url')).toHaveLength(16);
        const claims = JSON.parse(
          Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8'),
        ) as { sid: string };
        expect(claims.sid).toBe(sessionId);
        expect(await sessionDoc(sessionId)).toMatchObject({ _id: sessionId });
        ids.push(Buffer.from(sessionId, 'base64url'));
      }
      // Sequential ids (time + counter) differ in a few bits; random ones in about half of 128.
      for (let i = 1; i < ids.length; i += 1)
        expect(bitDistance(ids[i - 1], ids[i])).toBeGreaterThan(30);
    });

    it('refuses a token in the old ObjectId format', async () => {
      const user = await createVerifiedUser(t);
      const oldFormat = `${new Types.ObjectId().toHexString()}.${secretOf(user.refreshToken)}`;
      expectError(await refreshWithCookie(oldFormat), 401, 'INVALID_REFRESH_TOKEN');
      await refreshWithCookie(user.refreshToken).expect(200);
    });
  });

  describe('POST /auth/logout', () => {
    it('revokes the session of a valid access token and clears both cookies; its tokens fail at once', async () => {
      const user = await createVerifiedUser(t);
      const other = await signIn(t, user);
      const res = await logout().set('Cookie', user.cookies);
      expectSuccess(res, 200, 'User logged out successfully');
      expect(res.body.data).toBeNull();
      expectCookiesCleared(res);
      expect(await sessionDoc(user.sessionId)).toMatchObject({ revokedReason: 'logout' });

      expectError(await me(user.accessToken), 401, 'UNAUTHORIZED');
      expectError(await refreshWithCookie(user.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
      await me(other.accessToken).expect(200);
    });

    it('uses the Bearer header before the cookie', async () => {
      const user = await createVerifiedUser(t);
      const second = await signIn(t, user);
      await logout()
        .set('Authorization', second.authHeader)
        .set('Cookie', user.cookies)
        .expect(200);
      expect(await sessionDoc(second.sessionId)).toMatchObject({ revokedReason: 'logout' });
      expect(await sessionDoc(user.sessionId)).toMatchObject({ revokedAt: null });
    });

    it('accepts an access token whose only defect is expiry', async () => {
      const user = await createVerifiedUser(t);
      const expired = await expiredAccessToken(user.id, user.sessionId);
      expectError(await me(expired), 401, 'ACCESS_TOKEN_EXPIRED');
      await logout().set('Cookie', `accessToken=${expired}`).expect(200);
      expect(await sessionDoc(user.sessionId)).toMatchObject({ revokedReason: 'logout' });
    });

    it('falls back to the refresh token, from the cookie or Bearer', async () => {
      const byCookie = await createVerifiedUser(t);
      await logout().set('Cookie', `refreshToken=${byCookie.refreshToken}`).expect(200);
      expect(await sessionDoc(byCookie.sessionId)).toMatchObject({ revokedReason: 'logout' });

      const byBearer = await createVerifiedUser(t);
      await logout().set('Authorization', `Bearer ${byBearer.refreshToken}`).expect(200);
      expect(await sessionDoc(byBearer.sessionId)).toMatchObject({ revokedReason: 'logout' });
    });

    it('answers 401 UNAUTHORIZED and clears both cookies when nothing names a live session', async () => {
      const none = await logout();
      expectError(none, 401, 'UNAUTHORIZED', 'UNAUTHORIZED');
      expectCookiesCleared(none);

      const user = await createVerifiedUser(t);
      await logout().set('Cookie', user.cookies).expect(200);
      const again = await logout().set('Cookie', user.cookies);
      expectError(again, 401, 'UNAUTHORIZED');
      expectCookiesCleared(again);

      const forged = await logout().set(
        'Cookie',
        `refreshToken=${user.sessionId}.${'B'.repeat(43)}`,
      );
      expectError(forged, 401, 'UNAUTHORIZED');
    });
  });

  describe('POST /auth/change-password', () => {
    const change = (user: TestUser, body: object) =>
      request(http).post(`${API}/auth/change-password`).set('Cookie', user.cookies).send(body);

    it('replaces the password and revokes every other session; the current one keeps working', async () => {
      const user = await createVerifiedUser(t);
      const other = await signIn(t, user);
      const res = await change(user, {
        oldPassword: user.password,
        newPassword: 'fresh moves 2024',
      });
      expectSuccess(res, 200, 'Password changed successfully');
      expect(res.body.data).toBeNull();
      expect(setCookies(res)).toEqual([]);
      expectNoSecrets(res, [user.password, 'fresh moves 2024']);

      expectError(await me(other.accessToken), 401, 'UNAUTHORIZED');
      expectError(await refreshWithCookie(other.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
      expect(await sessionDoc(other.sessionId)).toMatchObject({ revokedReason: 'password_change' });
      await me(user.accessToken).expect(200);
      await refreshWithCookie(user.refreshToken).expect(200);

      expectError(
        await request(http)
          .post(`${API}/auth/login`)
          .send({ identifier: user.email, password: user.password }),
        401,
        'INVALID_CREDENTIALS',
      );
      await login(http, user.email, 'fresh moves 2024');
    });

    it('allows the new password to equal the old one', async () => {
      const user = await createVerifiedUser(t);
      await change(user, { oldPassword: user.password, newPassword: user.password }).expect(200);
    });

    it('answers a wrong old password with 400 WRONG_PASSWORD (not 401)', async () => {
      const user = await createVerifiedUser(t);
      const res = await change(user, {
        oldPassword: 'not my password 1',
        newPassword: 'fresh moves 2024',
      });
      expectError(res, 400, 'WRONG_PASSWORD', 'Old password is incorrect');
      await login(http, user.email, user.password);
    });

    it.each([
      ['no old password', { newPassword: 'fresh moves 2024' }, 'Old password is required'],
      [
        'an empty old password',
        { oldPassword: '', newPassword: 'fresh moves 2024' },
        'Old password is required',
      ],
      ['no new password', { oldPassword: 'x' }, 'Password is required'],
      [
        'a short new password',
        { oldPassword: 'x', newPassword: 'ab1' },
        'Password must be at least 8 characters',
      ],
      [
        'a new password without digit',
        { oldPassword: 'x', newPassword: 'abcdefghij' },
        'Password must contain at least one letter and one number',
      ],
      [
        'a non-string new password',
        { oldPassword: 'x', newPassword: 123456789 },
        'newPassword must be a string',
      ],
    ])('validates %s', async (_label, body, message) => {
      const user = await createVerifiedUser(t);
      expectError(await change(user, body), 400, 'VALIDATION_ERROR', message);
    });

    it('requires a signed-in caller', async () => {
      const res = await request(http)
        .post(`${API}/auth/change-password`)
        .send({ oldPassword: 'x', newPassword: 'fresh moves 2024' });
      expectError(res, 401, 'UNAUTHORIZED');
    });
  });

  describe('session limit (MAX_SESSIONS_PER_USER = 3 here)', () => {
    it('revokes the least recently used session when one more is created', async () => {
      const user = await createVerifiedUser(t); // session 1
      const second = await signIn(t, user);
      const third = await signIn(t, user);
      // Using session 1 (a refresh) makes session 2 the least recently used.
      const refreshed = await refreshWithCookie(user.refreshToken).expect(200);

      const fourth = await login(http, user.email, user.password);
      expect(await sessionDoc(second.sessionId)).toMatchObject({ revokedReason: 'limit' });
      expectError(await me(second.accessToken), 401, 'UNAUTHORIZED');
      for (const access of [
        cookieValue(refreshed, 'accessToken') ?? '',
        third.accessToken,
        fourth.accessToken,
      ]) {
        await me(access).expect(200);
      }
      expect(
        await sessions().countDocuments({ user: new Types.ObjectId(user.id), revokedAt: null }),
      ).toBe(3);
    });
  });
});
