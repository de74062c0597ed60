import request from 'supertest';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import { API, expectError, type Http } from 'test/auth/helpers';

type Call = (http: Http, user: TestUser) => request.Test;

const post =
  (path: string, body: object): Call =>
  (http) =>
    request(http).post(`${API}${path}`).send(body);
const signedIn =
  (method: 'patch' | 'post', path: string, body: object): Call =>
  (http, user) =>
    request(http)[method](`${API}${path}`).set('Cookie', user.cookies).send(body);

/**
 * Each route bucket and the routes that share it (one counter per IP and bucket;
 * docs/api.md#rate-limit-buckets).
 */
const BUCKETS: [string, Call[]][] = [
  ['login', [post('/auth/login', { identifier: 'someone', password: 'x' })]],
  ['register', [post('/auth/register', {})]],
  [
    'code-check',
    [
      post('/auth/verify-account', {}),
      post('/auth/reset-password', {}),
      signedIn('post', '/user/email/verify', {}),
    ],
  ],
  [
    'email-send',
    [
      post('/auth/forgot-password', {}),
      post('/auth/resend-verification', {}),
      signedIn('patch', '/user/email', {}),
    ],
  ],
];

describe('Auth: route rate-limit buckets', () => {
  let t: TestApp;
  let http: Http;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp({
      TRUST_PROXY: '1',
      RATE_LIMIT_LOGIN: '1',
      RATE_LIMIT_REGISTER: '1',
      RATE_LIMIT_CODE_CHECK: '1',
      RATE_LIMIT_EMAIL_SEND: '1',
    });
    http = t.app.getHttpServer();
    user = await createVerifiedUser(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(BUCKETS)(
    '%s: the second call from one IP to any of its routes gets the global 429',
    async (bucket, calls) => {
      const ip = `203.0.113.${BUCKETS.findIndex(([name]) => name === bucket) + 1}`;
      const first = await calls[0](http, user).set('X-Forwarded-For', ip);
      expect(first.status).not.toBe(429);
      for (const call of calls) {
        const refused = await call(http, user).set('X-Forwarded-For', ip);
        expectError(refused, 429, 'RATE_LIMITED', 'Too many requests, please try again later.');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      // Another IP has its own counter.
      expect((await calls[0](http, user).set('X-Forwarded-For', `${ip}0`)).status).not.toBe(429);
    },
  );

  it('leaves routes without a route bucket alone (check-username, me)', async () => {
    for (let round = 0; round < 3; round += 1) {
      await request(http)
        .get(`${API}/auth/check-username`)
        .query({ username: 'free_name' })
        .expect(200);
      await request(http).get(`${API}/auth/me`).set('Cookie', user.cookies).expect(200);
    }
  });
});
