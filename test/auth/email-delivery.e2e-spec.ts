import request from 'supertest';
import { createVerifiedUser } from 'test/factories/users.factory';
import { FakeResendServer } from 'test/fakes/fake-resend.server';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import {
  API,
  expectError,
  expectSuccess,
  type Http,
  newRegistration,
  RELAXED_LIMITS,
} from 'test/auth/helpers';

/**
 * The real Resend adapter against the local fake: what each endpoint does when the provider
 * refuses.
 */
describe('Account emails when the provider fails', () => {
  let fake: FakeResendServer;
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    fake = await FakeResendServer.start();
    t = await createTestApp({
      ...RELAXED_LIMITS,
      MAIL_TRANSPORT: 'resend',
      RESEND_API_KEY: fake.apiKey,
      RESEND_BASE_URL: fake.url,
    });
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const users = () => t.connection.collection('users');
  const codeIn = (text: string | undefined): string => /\b(\d{6})\b/.exec(text ?? '')?.[1] ?? '';

  it('register: 503 Failed to send verification email; the account is kept and an immediate retry sends', async () => {
    const user = newRegistration();
    fake.failNext(500);
    const failed = await request(http).post(`${API}/auth/register`).send(user);
    expectError(failed, 503, 'EMAIL_DELIVERY_FAILED', 'Failed to send verification email');
    expect(failed.text).not.toMatch(/application_error|unexpected error/i);
    expect(await users().findOne({ email: user.email })).toMatchObject({
      username: user.username,
      isVerified: false,
      verification: null,
    });

    await request(http).post(`${API}/auth/register`).send(user).expect(201);
    const [mail] = fake.emailsTo(user.email);
    expect(mail).toMatchObject({ subject: 'Verify your email', from: t.config.mail.from });
    expect(mail.text).toContain(`Hi ${user.username},`);
    await request(http)
      .post(`${API}/auth/verify-account`)
      .send({ email: user.email, code: codeIn(mail.text) })
      .expect(200);
  });

  it('resend-verification: always 200, also when the provider fails', async () => {
    const user = newRegistration();
    await request(http).post(`${API}/auth/register`).send(user).expect(201);
    await users().updateOne(
      { email: user.email },
      { $set: { 'verification.sentAt': new Date(Date.now() - 61_000) } },
    );
    fake.failNext(500);
    const res = await request(http)
      .post(`${API}/auth/resend-verification`)
      .send({ email: user.email });
    expectSuccess(
      res,
      200,
      'If an unverified account exists for this email, a new verification code has been sent',
    );
    expect(fake.rejections).toHaveLength(1);
  });

  it('forgot-password: always 200, also when the provider fails', async () => {
    const user = await createVerifiedUser(t);
    fake.failNext(500);
    const res = await request(http).post(`${API}/auth/forgot-password`).send({ email: user.email });
    expectSuccess(
      res,
      200,
      'If an account exists for this email, a password reset code has been sent',
    );
    expect(fake.rejections).toHaveLength(1);
    expect(fake.emailsTo(user.email)).toHaveLength(0);
  });

  it('email change: 503 and the pending change is discarded', async () => {
    const user = await createVerifiedUser(t);
    fake.failNext(500);
    const res = await request(http)
      .patch(`${API}/user/email`)
      .set('Cookie', user.cookies)
      .send({ email: 'new-address@example.test', password: user.password });
    expectError(res, 503, 'EMAIL_DELIVERY_FAILED', 'Failed to send verification email');
    const me = await request(http).get(`${API}/auth/me`).set('Cookie', user.cookies).expect(200);
    expect(me.body.data).toMatchObject({ email: user.email, pendingEmail: null });
    // Discarding also lifted the cooldown: the retry goes out at once.
    await request(http)
      .patch(`${API}/user/email`)
      .set('Cookie', user.cookies)
      .send({ email: 'new-address@example.test', password: user.password })
      .expect(200);
    expect(fake.emailsTo('new-address@example.test')).toHaveLength(1);
  });

  it('email change confirmed: a failed email-changed notice is only logged; the change stands', async () => {
    const user = await createVerifiedUser(t);
    const newEmail = `moved-${user.username}@example.test`;
    await request(http)
      .patch(`${API}/user/email`)
      .set('Cookie', user.cookies)
      .send({ email: newEmail, password: user.password })
      .expect(200);
    const code = codeIn(fake.emailsTo(newEmail)[0]?.text);
    fake.failNext(500);
    const res = await request(http)
      .post(`${API}/user/email/verify`)
      .set('Cookie', user.cookies)
      .send({ code });
    expectSuccess(res, 200, 'Email updated successfully');
    expect(res.body.data).toMatchObject({ email: newEmail, pendingEmail: null });
    expect(fake.rejections).toHaveLength(1);
  });
});
