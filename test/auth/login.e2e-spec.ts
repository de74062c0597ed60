import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import request from 'supertest';
import {
  createPendingUser,
  createVerifiedUser,
  DEFAULT_TEST_PASSWORD,
} from 'test/factories/users.factory';
import { recordCommands } from 'test/utils/db-commands';
import { lastCode } from 'test/utils/outbox';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import {
  API,
  cookieValue,
  expectError,
  expectNoSecrets,
  expectSuccess,
  type Http,
  login,
  registerAndVerify,
  RELAXED_LIMITS,
  setCookies,
  type StoredSession,
} from 'test/auth/helpers';

const ME_KEYS = [
  '_id',
  'bio',
  'createdAt',
  'email',
  'isVerified',
  'name',
  'pendingEmail',
  'profileImage',
  'updatedAt',
  'username',
];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function jwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

describe('Auth: login and me', () => {
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    t = await createTestApp(RELAXED_LIMITS);
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const attempt = (body: object) => request(http).post(`${API}/auth/login`).send(body);

  describe('POST /auth/login', () => {
    it('signs in with the email: Me in the body, the tokens only in cookies', async () => {
      const user = await registerAndVerify(t, { name: 'Ada' });
      const res = await attempt({ identifier: user.email, password: user.password });

      expectSuccess(res, 200, 'User logged in successfully');
      expect(Object.keys(res.body.data).sort()).toEqual(ME_KEYS);
      expect(res.body.data).toMatchObject({
        username: user.username,
        email: user.email,
        name: 'Ada',
        bio: '',
        isVerified: true,
        pendingEmail: null,
      });
      expect(res.body.data._id).toMatch(/^[0-9a-f]{24}$/);
      expect(res.body.data.createdAt).toMatch(ISO);
      expect(res.body.data.updatedAt).toMatch(ISO);

      const accessToken = cookieValue(res, 'accessToken') ?? '';
      const refreshToken = cookieValue(res, 'refreshToken') ?? '';
      expect(accessToken).not.toBe('');
      expect(refreshToken).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
      expectNoSecrets(res, [accessToken, refreshToken, refreshToken.split('.')[1], user.password]);
    });

    it('sets both cookies with the documented attributes and the refresh lifetime', async () => {
      const user = await createVerifiedUser(t);
      const res = await attempt({ identifier: user.username, password: user.password });
      const cookies = setCookies(res);
      expect(cookies.map((cookie) => cookie.name).sort()).toEqual(['accessToken', 'refreshToken']);
      for (const cookie of cookies) {
        expect(cookie.attributes).toEqual({
          path: '/',
          'max-age': '2592000',
          httponly: true,
          samesite: 'Lax',
        });
      }
    });

    it('signs in with the username, trimmed and lowercased', async () => {
      const user = await createVerifiedUser(t);
      const res = await attempt({
        identifier: `  ${user.username.toUpperCase()} `,
        password: user.password,
      });
      expect(res.status).toBe(200);
      expect(res.body.data.username).toBe(user.username);
    });

    it('issues an HS256 access token with sub, sid, iat and exp = iat + ACCESS_TOKEN_TTL', async () => {
      const user = await createVerifiedUser(t);
      const { accessToken, refreshToken } = await login(http, user.email, user.password);
      expect(jwtPart(accessToken, 0)).toMatchObject({ alg: 'HS256' });
      const claims = jwtPart(accessToken, 1);
      expect(Object.keys(claims).sort()).toEqual(['exp', 'iat', 'sid', 'sub']);
      expect(claims.sub).toBe(user.id);
      expect(claims.sid).toBe(refreshToken.split('.')[0]);
      expect(Number(claims.exp) - Number(claims.iat)).toBe(900);
    });

    it('creates a new session per login and stores only the SHA-256 of the refresh secret', async () => {
      const user = await createVerifiedUser(t);
      const first = await login(http, user.email, user.password);
      const second = await login(http, user.email, user.password);
      const sessions = await t.connection
        .collection<StoredSession>('sessions')
        .find({ user: new Types.ObjectId(user.id), revokedAt: null })
        .toArray();
      expect(sessions).toHaveLength(3); // the factory's session and the two logins

      const [sessionId, secret] = second.refreshToken.split('.');
      const stored = sessions.find((session) => session._id === sessionId);
      expect(stored?.tokenHash).toBe(createHash('sha256').update(secret).digest('hex'));
      expect(JSON.stringify(sessions)).not.toContain(secret);

      for (const session of [first, second]) {
        await request(http).get(`${API}/auth/me`).set('Cookie', session.cookies).expect(200);
      }
    });

    it('answers unknown, pending, wrong-password and over-72-byte attempts identically', async () => {
      const verified = await createVerifiedUser(t, { password: `${'p'.repeat(71)}1` });
      const pending = await createPendingUser(t);
      const attempts = [
        { identifier: 'nobody_at_all', password: 'whatever 123' },
        { identifier: pending.email, password: pending.password },
        { identifier: verified.email, password: 'wrong password 1' },
        // bcrypt would accept this one (it only reads the first 72 bytes), so it must be refused before.
        { identifier: verified.email, password: `${verified.password}extra` },
      ];
      const answers = [];
      for (const body of attempts) {
        const res = await attempt(body);
        expectError(res, 401, 'INVALID_CREDENTIALS', 'Invalid credentials');
        expect(setCookies(res)).toEqual([]);
        expectNoSecrets(res, [body.password]);
        const { requestId: _requestId, ...rest } = res.body;
        answers.push(rest);
      }
      expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    });

    it.each([
      ['Email or username is required', { password: 'x' }],
      ['Email or username is required', { identifier: '   ', password: 'x' }],
      ['identifier must be a string', { identifier: 7, password: 'x' }],
      ['identifier must be at most 254 characters', { identifier: 'a'.repeat(255), password: 'x' }],
      ['Password is required', { identifier: 'someone' }],
      ['Password is required', { identifier: 'someone', password: '' }],
      [
        'password must be at most 1024 characters',
        { identifier: 'someone', password: 'x'.repeat(1025) },
      ],
    ])('answers %s', async (message, body) => {
      const res = await attempt(body);
      expectError(res, 400, 'VALIDATION_ERROR', message);
      expect(res.text).not.toContain('"x"');
    });

    it('never echoes the password in a validation error', async () => {
      const res = await attempt({ identifier: 12, password: 'hunter2 secret 99' });
      expectError(res, 400, 'VALIDATION_ERROR', 'identifier must be a string');
      expectNoSecrets(res, ['hunter2 secret 99']);
    });

    it('does not trim the password', async () => {
      const user = await createVerifiedUser(t, { password: ' spaced out 9 ' });
      expectError(
        await attempt({ identifier: user.email, password: 'spaced out 9' }),
        401,
        'INVALID_CREDENTIALS',
      );
      await attempt({ identifier: user.email, password: ' spaced out 9 ' }).expect(200);
    });

    it('refuses after 10 failures from one IP, even the right password, with Retry-After', async () => {
      const user = await createVerifiedUser(t);
      for (let failure = 1; failure <= 10; failure += 1) {
        expectError(
          await attempt({ identifier: user.email, password: 'wrong guess 1' }),
          401,
          'INVALID_CREDENTIALS',
        );
      }
      const refused = await attempt({ identifier: user.email, password: user.password });
      expectError(refused, 429, 'RATE_LIMITED', 'Too many login attempts, please try again later');
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(900);
      expect(refused.headers['x-ratelimit-limit']).toBe('10');
      expect(setCookies(refused)).toEqual([]);
      // The bucket is the typed identifier's: the username is not linked to it (issue 11).
      await attempt({ identifier: user.username, password: user.password }).expect(200);
    });

    it('clears the identifier+IP failures on a successful login', async () => {
      const user = await createVerifiedUser(t);
      for (let failure = 1; failure <= 9; failure += 1) {
        await attempt({ identifier: user.email, password: 'wrong guess 1' }).expect(401);
      }
      await attempt({ identifier: user.email, password: user.password }).expect(200);
      for (let failure = 1; failure <= 10; failure += 1) {
        await attempt({ identifier: user.email, password: 'wrong guess 1' }).expect(401);
      }
      expectError(
        await attempt({ identifier: user.email, password: user.password }),
        429,
        'RATE_LIMITED',
      );
    });

    it('counts a burst of concurrent wrong guesses without letting more than 10 through', async () => {
      const user = await createVerifiedUser(t);
      const results = await Promise.all(
        Array.from({ length: 16 }, () =>
          attempt({ identifier: user.email, password: 'wrong guess 2' }),
        ),
      );
      expect(results.filter((res) => res.status === 401)).toHaveLength(10);
      expect(results.filter((res) => res.status === 429)).toHaveLength(6);
    });
  });

  describe('GET /auth/me', () => {
    it('returns Me for the signed-in user, by cookie or Bearer', async () => {
      const user = await createVerifiedUser(t, { bio: 'Tango' });
      const byCookie = await request(http).get(`${API}/auth/me`).set('Cookie', user.cookies);
      expectSuccess(byCookie, 200, 'User details fetched successfully');
      expect(Object.keys(byCookie.body.data).sort()).toEqual(ME_KEYS);
      expect(byCookie.body.data).toMatchObject({
        _id: user.id,
        email: user.email,
        bio: 'Tango',
        isVerified: true,
      });
      expectNoSecrets(byCookie, [user.accessToken, user.refreshToken, user.password]);
      const byHeader = await request(http)
        .get(`${API}/auth/me`)
        .set('Authorization', user.authHeader);
      expect(byHeader.body.data).toEqual(byCookie.body.data);
    });

    it('answers 401 UNAUTHORIZED without credentials', async () => {
      expectError(await request(http).get(`${API}/auth/me`), 401, 'UNAUTHORIZED', 'UNAUTHORIZED');
    });

    it('answers 401 once the account is no longer verified', async () => {
      const user = await createVerifiedUser(t);
      await t.connection
        .collection('users')
        .updateOne({ _id: new Types.ObjectId(user.id) }, { $set: { isVerified: false } });
      expectError(
        await request(http).get(`${API}/auth/me`).set('Cookie', user.cookies),
        401,
        'UNAUTHORIZED',
      );
    });
  });
});

describe('Auth: login-failure buckets across IPs', () => {
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    t = await createTestApp({
      ...RELAXED_LIMITS,
      TRUST_PROXY: '1',
      RATE_LIMIT_LOGIN_FAILURES: '3',
      RATE_LIMIT_LOGIN_FAILURES_ACCOUNT: '5',
    });
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const attemptFrom = (ip: string, identifier: string, password: string) =>
    request(http)
      .post(`${API}/auth/login`)
      .set('X-Forwarded-For', ip)
      .send({ identifier, password });

  it('keys the identifier+IP bucket by IP: another IP still signs in', async () => {
    const user = await createVerifiedUser(t);
    for (let failure = 1; failure <= 3; failure += 1) {
      await attemptFrom('203.0.113.1', user.email, 'wrong guess 1').expect(401);
    }
    expectError(await attemptFrom('203.0.113.1', user.email, user.password), 429, 'RATE_LIMITED');
    await attemptFrom('203.0.113.2', user.email, user.password).expect(200);
    // A success elsewhere does not reopen the exhausted IP.
    expectError(await attemptFrom('203.0.113.1', user.email, user.password), 429, 'RATE_LIMITED');
  });

  it('caps failures per account across rotating IPs, even for the right password', async () => {
    const user = await createVerifiedUser(t);
    for (let failure = 1; failure <= 5; failure += 1) {
      expectError(
        await attemptFrom(`198.51.100.${failure}`, user.email, 'wrong guess 1'),
        401,
        'INVALID_CREDENTIALS',
      );
    }
    const refused = await attemptFrom('198.51.100.77', user.email, user.password);
    expectError(refused, 429, 'RATE_LIMITED', 'Too many login attempts, please try again later');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(900);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(86400);
    // Successful logins do not lift the account cap.
    expectError(await attemptFrom('198.51.100.78', user.email, user.password), 429, 'RATE_LIMITED');
  });

  it('lifts the per-account cap with a password reset, for every identifier of the account', async () => {
    const user = await createVerifiedUser(t);
    for (let failure = 1; failure <= 5; failure += 1) {
      await attemptFrom(`192.0.2.${failure}`, user.email, 'wrong guess 1').expect(401);
    }
    expectError(await attemptFrom('192.0.2.50', user.email, user.password), 429, 'RATE_LIMITED');

    await request(http).post(`${API}/auth/forgot-password`).send({ email: user.email }).expect(200);
    const code = lastCode(t, user.email, 'Reset your password');
    await request(http)
      .post(`${API}/auth/reset-password`)
      .send({ email: user.email, code, newPassword: 'brand new 99' })
      .expect(200);
    await attemptFrom('192.0.2.51', user.email, 'brand new 99').expect(200);
    await attemptFrom('192.0.2.52', user.username, 'brand new 99').expect(200);
  });

  describe('one account, one budget (issue 11)', () => {
    it('counts alternating email and username guesses against one per-account cap', async () => {
      const user = await createVerifiedUser(t);
      for (let failure = 1; failure <= 5; failure += 1) {
        const identifier = failure % 2 ? user.email : user.username;
        expectError(
          await attemptFrom(`198.18.0.${failure}`, identifier, 'wrong guess 1'),
          401,
          'INVALID_CREDENTIALS',
        );
      }
      for (const identifier of [user.username, user.email]) {
        const refused = await attemptFrom('198.18.0.99', identifier, 'wrong guess 1');
        expectError(
          refused,
          429,
          'RATE_LIMITED',
          'Too many login attempts, please try again later',
        );
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(900);
        expectError(
          await attemptFrom('198.18.0.98', identifier, user.password),
          429,
          'RATE_LIMITED',
        );
      }
    });

    it('keeps the account+IP bucket per typed identifier, so exhausting it does not link an email to a username', async () => {
      const user = await createVerifiedUser(t);
      const stranger = await createVerifiedUser(t);
      for (let failure = 1; failure <= 3; failure += 1) {
        await attemptFrom('198.18.1.1', user.email, 'wrong guess 1').expect(401);
      }
      expectError(await attemptFrom('198.18.1.1', user.email, user.password), 429, 'RATE_LIMITED');
      // The attacker's probe: the victim's username answers exactly like anyone else's.
      const probe = await attemptFrom('198.18.1.1', user.username, 'wrong guess 1');
      const control = await attemptFrom('198.18.1.1', stranger.username, 'wrong guess 1');
      expectError(probe, 401, 'INVALID_CREDENTIALS');
      expectError(control, 401, 'INVALID_CREDENTIALS');
      await attemptFrom('198.18.1.1', user.username, user.password).expect(200);
    });

    it('never runs more password checks than the per-account cap for a parallel burst from many IPs', async () => {
      const user = await createVerifiedUser(t);
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          attemptFrom(
            `198.18.2.${(i % 15) + 1}`,
            i % 2 ? user.email : user.username,
            `wrong guess ${i}`,
          ),
        ),
      );
      const statuses = results.map((res) => res.status);
      // Every 401 is a password check that ran; the cap is 5.
      expect(statuses.filter((status) => status === 401)).toHaveLength(5);
      expect(statuses.filter((status) => status === 429)).toHaveLength(25);
      expectError(await attemptFrom('198.18.2.99', user.email, user.password), 429, 'RATE_LIMITED');
    });

    it('gives a correct login its reservation back', async () => {
      const user = await createVerifiedUser(t);
      for (let failure = 1; failure <= 4; failure += 1) {
        await attemptFrom(`198.18.3.${failure}`, user.email, 'wrong guess 1').expect(401);
      }
      for (let success = 1; success <= 3; success += 1) {
        await attemptFrom(`198.18.3.${10 + success}`, user.username, user.password).expect(200);
      }
      // Four failures so far: one more is allowed, then the cap of five is reached.
      await attemptFrom('198.18.3.20', user.email, 'wrong guess 1').expect(401);
      expectError(await attemptFrom('198.18.3.21', user.email, user.password), 429, 'RATE_LIMITED');
    });
  });

  it('keeps unknown identifiers in the same buckets (no shortcut for accounts that do not exist)', async () => {
    for (let failure = 1; failure <= 3; failure += 1) {
      await attemptFrom('203.0.113.9', 'ghost_user', 'whatever 1').expect(401);
    }
    expectError(await attemptFrom('203.0.113.9', 'ghost_user', 'whatever 1'), 429, 'RATE_LIMITED');
  });
});

describe('Auth: login round trips (issue 7)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ...RELAXED_LIMITS, DB_MONITOR_COMMANDS: 'true' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('reads the account once, with its Me, then writes the session and checks the session cap', async () => {
    const user = await createVerifiedUser(t);
    const log = recordCommands(t.connection);
    try {
      const res = await request(t.app.getHttpServer())
        .post(`${API}/auth/login`)
        .send({ identifier: user.email, password: DEFAULT_TEST_PASSWORD });
      expectSuccess(res, 200, 'User logged in successfully');
      expect(Object.keys(res.body.data).sort()).toEqual(ME_KEYS);
      expect(res.body.data).toMatchObject({
        _id: user.id,
        username: user.username,
        email: user.email,
      });
      expectNoSecrets(res, [DEFAULT_TEST_PASSWORD]);
      expect(log.calls).toEqual(['find users', 'insert sessions', 'find sessions']);
    } finally {
      log.stop();
    }
  });
});
