import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { createVerifiedUser } from 'test/factories/users.factory';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import { API, expectError, type Http, RELAXED_LIMITS, type StoredSession } from 'test/auth/helpers';

/** The six guest endpoints. An empty body shows whether the guest check let the call through. */
const GUEST_ENDPOINTS = [
  'register',
  'verify-account',
  'resend-verification',
  'login',
  'forgot-password',
  'reset-password',
];

describe('Auth: guest mode on all six guest endpoints', () => {
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    t = await createTestApp(RELAXED_LIMITS);
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const call = (endpoint: string) => request(http).post(`${API}/auth/${endpoint}`).send({});

  it.each(GUEST_ENDPOINTS)(
    '%s: 400 ALREADY_LOGGED_IN with a live session (cookie or Bearer)',
    async (endpoint) => {
      const user = await createVerifiedUser(t);
      expectError(
        await call(endpoint).set('Cookie', user.cookies),
        400,
        'ALREADY_LOGGED_IN',
        'You are already logged in',
      );
      expectError(
        await call(endpoint).set('Authorization', user.authHeader),
        400,
        'ALREADY_LOGGED_IN',
      );
    },
  );

  it.each(GUEST_ENDPOINTS)('%s: proceeds with a revoked session', async (endpoint) => {
    const user = await createVerifiedUser(t);
    await t.connection
      .collection<StoredSession>('sessions')
      .updateOne(
        { _id: user.sessionId },
        { $set: { revokedAt: new Date(), revokedReason: 'logout' } },
      );
    expectError(await call(endpoint).set('Cookie', user.cookies), 400, 'VALIDATION_ERROR');
  });

  it.each(GUEST_ENDPOINTS)(
    '%s: proceeds with an expired access token or an expired session',
    async (endpoint) => {
      const user = await createVerifiedUser(t);
      const expiredJwt = await t.app
        .get(JwtService)
        .signAsync(
          { sub: user.id, sid: user.sessionId, exp: Math.floor(Date.now() / 1000) - 5 },
          { secret: t.config.auth.accessSecret, algorithm: 'HS256' },
        );
      expectError(
        await call(endpoint).set('Cookie', `accessToken=${expiredJwt}`),
        400,
        'VALIDATION_ERROR',
      );

      await t.connection
        .collection<StoredSession>('sessions')
        .updateOne({ _id: user.sessionId }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
      expectError(await call(endpoint).set('Cookie', user.cookies), 400, 'VALIDATION_ERROR');
    },
  );

  it.each(GUEST_ENDPOINTS)('%s: proceeds without credentials or with garbage', async (endpoint) => {
    expectError(await call(endpoint), 400, 'VALIDATION_ERROR');
    expectError(
      await call(endpoint).set('Authorization', 'Bearer garbage'),
      400,
      'VALIDATION_ERROR',
    );
  });
});
