import { Types } from 'mongoose';
import request from 'supertest';
import {
  createPendingUser,
  createVerifiedUser,
  signIn,
  type TestUser,
} from 'test/factories/users.factory';
import { emailsTo, lastCode } from 'test/utils/outbox';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import {
  API,
  expectError,
  expectNoSecrets,
  expectSuccess,
  type Http,
  login,
  newRegistration,
  RELAXED_LIMITS,
  setCookies,
} from 'test/auth/helpers';

describe('Users: confirmed email change', () => {
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    t = await createTestApp({
      ...RELAXED_LIMITS,
      TRUST_PROXY: '1',
      RATE_LIMIT_LOGIN_FAILURES: '3',
    });
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  let counter = 0;
  const freshEmail = (): string =>
    `moved_${Date.now().toString(36)}_${(counter += 1)}@example.test`;
  const users = () => t.connection.collection('users');
  const requestChange = (user: TestUser, body: object, ip = '203.0.113.10') =>
    request(http)
      .patch(`${API}/user/email`)
      .set('Cookie', user.cookies)
      .set('X-Forwarded-For', ip)
      .send(body);
  const confirm = (user: TestUser, code: unknown) =>
    request(http).post(`${API}/user/email/verify`).set('Cookie', user.cookies).send({ code });
  const wrongCode = (code: string) => (code === '000000' ? '111111' : '000000');

  async function pendingChange(): Promise<{ user: TestUser; newEmail: string; code: string }> {
    const user = await createVerifiedUser(t);
    const newEmail = freshEmail();
    await requestChange(user, { email: newEmail, password: user.password }).expect(200);
    return { user, newEmail, code: lastCode(t, newEmail, 'Confirm your new email') };
  }

  describe('PATCH /user/email', () => {
    it('sets pendingEmail, keeps the current email, and sends a code to the new address', async () => {
      const user = await createVerifiedUser(t);
      const newEmail = freshEmail();
      const res = await requestChange(user, {
        email: `  ${newEmail.toUpperCase()} `,
        password: user.password,
      });

      expectSuccess(res, 200, 'Verification code sent to your new email');
      expect(res.body.data).toMatchObject({
        _id: user.id,
        email: user.email,
        pendingEmail: newEmail,
      });
      expect(setCookies(res)).toEqual([]);
      const [mail] = emailsTo(t, newEmail);
      expect(mail).toMatchObject({ subject: 'Confirm your new email', from: t.config.mail.from });
      expect(mail.text).toContain(`Hi ${user.username},`);
      expect(mail.text).toContain('expires in 15 minutes');
      expect(emailsTo(t, user.email)).toHaveLength(0);
      expectNoSecrets(res, [user.password, lastCode(t, newEmail)]);

      const me = await request(http).get(`${API}/auth/me`).set('Cookie', user.cookies);
      expect(me.body.data).toMatchObject({ email: user.email, pendingEmail: newEmail });
      await login(http, user.email, user.password);
    });

    it('answers a wrong password with 400 WRONG_PASSWORD and counts it in the login-failure bucket', async () => {
      const user = await createVerifiedUser(t);
      const body = { email: freshEmail(), password: 'not my password 1' };
      for (let failure = 1; failure <= 3; failure += 1) {
        expectError(
          await requestChange(user, body, '198.51.100.7'),
          400,
          'WRONG_PASSWORD',
          'Password is incorrect',
        );
      }
      const refused = await requestChange(
        user,
        { ...body, password: user.password },
        '198.51.100.7',
      );
      expectError(refused, 429, 'RATE_LIMITED', 'Too many login attempts, please try again later');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Keyed by user id + IP: another IP is not refused.
      await requestChange(user, { ...body, password: user.password }, '198.51.100.8').expect(200);
    });

    it('shares the user-id bucket with change-password', async () => {
      const user = await createVerifiedUser(t);
      for (let failure = 1; failure <= 3; failure += 1) {
        await request(http)
          .post(`${API}/auth/change-password`)
          .set('Cookie', user.cookies)
          .set('X-Forwarded-For', '198.51.100.20')
          .send({ oldPassword: 'wrong guess 1', newPassword: 'fresh moves 2024' })
          .expect(400);
      }
      expectError(
        await requestChange(
          user,
          { email: freshEmail(), password: user.password },
          '198.51.100.20',
        ),
        429,
        'RATE_LIMITED',
      );
    });

    it('refuses the current email with 400', async () => {
      const user = await createVerifiedUser(t);
      const res = await requestChange(user, { email: user.email, password: user.password });
      expectError(res, 400, 'BAD_REQUEST', 'New email must be different from the current email');
    });

    it('refuses an address held by another account, verified or pending, with 409', async () => {
      const user = await createVerifiedUser(t);
      const verified = await createVerifiedUser(t);
      const pending = await createPendingUser(t);
      for (const email of [verified.email, pending.email]) {
        expectError(
          await requestChange(user, { email, password: user.password }),
          409,
          'CONFLICT',
          'Email is already in use',
        );
      }
    });

    it('answers a second request within 60 s with 429 and Retry-After, and sends nothing', async () => {
      const { user, newEmail } = await pendingChange();
      const other = freshEmail();
      const res = await requestChange(user, { email: other, password: user.password });
      expectError(res, 429, 'RATE_LIMITED', 'Please wait before requesting another code');
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(emailsTo(t, other)).toHaveLength(0);
      expect(
        (await users().findOne({ _id: new Types.ObjectId(user.id) }))?.emailChange.pendingEmail,
      ).toBe(newEmail);
    });

    it('checks the steps in order: password before sameness before conflict before cooldown', async () => {
      const { user } = await pendingChange();
      const taken = await createVerifiedUser(t);
      expectError(
        await requestChange(user, { email: user.email, password: 'wrong one 1' }),
        400,
        'WRONG_PASSWORD',
      );
      expectError(
        await requestChange(user, { email: user.email, password: user.password }),
        400,
        'BAD_REQUEST',
      );
      expectError(
        await requestChange(user, { email: taken.email, password: user.password }),
        409,
        'CONFLICT',
      );
      expectError(
        await requestChange(user, { email: freshEmail(), password: user.password }),
        429,
        'RATE_LIMITED',
      );
    });

    it.each([
      ['Email is required', { password: 'x' }],
      ['Invalid email format', { email: 'nope', password: 'x' }],
      ['Password is required', { email: 'a@b.io' }],
      ['Password is required', { email: 'a@b.io', password: '' }],
      ['password must be a string', { email: 'a@b.io', password: 5 }],
    ])('answers %s', async (message, body) => {
      const user = await createVerifiedUser(t);
      expectError(await requestChange(user, body), 400, 'VALIDATION_ERROR', message);
    });

    it('requires a signed-in caller', async () => {
      expectError(
        await request(http).patch(`${API}/user/email`).send({ email: 'a@b.io', password: 'x' }),
        401,
        'UNAUTHORIZED',
      );
    });
  });

  describe('POST /user/email/verify', () => {
    it('switches the email, clears pendingEmail, keeps the sessions and notifies the old address', async () => {
      const { user, newEmail, code } = await pendingChange();
      const other = await signIn(t, user);
      const res = await confirm(user, code);

      expectSuccess(res, 200, 'Email updated successfully');
      expect(res.body.data).toMatchObject({ _id: user.id, email: newEmail, pendingEmail: null });
      expectNoSecrets(res, [code]);
      expect(await users().findOne({ _id: new Types.ObjectId(user.id) })).toMatchObject({
        email: newEmail,
        emailChange: null,
      });

      const [notice] = emailsTo(t, user.email, 'Your Dancely email was changed');
      expect(notice.text).toContain(`Hi ${user.username},`);
      expect(notice.text).not.toContain(newEmail);
      expect(notice.text).toContain('m***@e***.test');
      expect(notice.text).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
      expect(notice.text).toMatch(/reset your password/i);
      expect(notice.html).toContain('m***@e***.test');

      await request(http).get(`${API}/auth/me`).set('Cookie', other.cookies).expect(200);
      await login(http, newEmail, user.password);
      expectError(
        await request(http)
          .post(`${API}/auth/login`)
          .send({ identifier: user.email, password: user.password }),
        401,
        'INVALID_CREDENTIALS',
      );
    });

    it('answers no pending change with 400 Invalid verification code', async () => {
      const user = await createVerifiedUser(t);
      expectError(await confirm(user, '123456'), 400, 'INVALID_CODE', 'Invalid verification code');
    });

    it('counts wrong codes and voids the code at the 5th; a new request voids the old code', async () => {
      const { user, code } = await pendingChange();
      for (let attempt = 1; attempt <= 4; attempt += 1) {
        expectError(
          await confirm(user, wrongCode(code)),
          400,
          'INVALID_CODE',
          'Invalid verification code',
        );
      }
      expectError(
        await confirm(user, wrongCode(code)),
        400,
        'TOO_MANY_ATTEMPTS',
        'Too many attempts, request a new code',
      );
      expectError(await confirm(user, code), 400, 'TOO_MANY_ATTEMPTS');

      await users().updateOne(
        { _id: new Types.ObjectId(user.id) },
        { $set: { 'emailChange.sentAt': new Date(Date.now() - 61_000) } },
      );
      const again = freshEmail();
      await requestChange(user, { email: again, password: user.password }).expect(200);
      const second = lastCode(t, again);
      if (second !== code) expectError(await confirm(user, code), 400, 'INVALID_CODE');
      const res = await confirm(user, second);
      expect(res.body.data).toMatchObject({ email: again });
    });

    it('expires the code after 15 minutes', async () => {
      const { user, code } = await pendingChange();
      await users().updateOne(
        { _id: new Types.ObjectId(user.id) },
        { $set: { 'emailChange.expiresAt': new Date(Date.now() - 1) } },
      );
      expectError(
        await confirm(user, code),
        400,
        'CODE_EXPIRED',
        'Verification code expired. Please request a new code',
      );
    });

    it('is single use', async () => {
      const { user, code } = await pendingChange();
      await confirm(user, code).expect(200);
      expectError(await confirm(user, code), 400, 'INVALID_CODE');
    });

    it('answers 409 and discards the change when the address was taken in the meantime', async () => {
      const { user, newEmail, code } = await pendingChange();
      const grabber = newRegistration({ email: newEmail });
      await request(http).post(`${API}/auth/register`).send(grabber).expect(201);

      expectError(await confirm(user, code), 409, 'CONFLICT', 'Email is already in use');
      const stored = await users().findOne({ _id: new Types.ObjectId(user.id) });
      expect(stored).toMatchObject({ email: user.email, emailChange: null });
      expectError(await confirm(user, code), 400, 'INVALID_CODE');
    });

    it('validates the code', async () => {
      const user = await createVerifiedUser(t);
      expectError(
        await confirm(user, '12345'),
        400,
        'VALIDATION_ERROR',
        'Verification code must be 6 digits',
      );
    });
  });

  describe('confirming voids the codes mailed to the old address (issue 11)', () => {
    it('a password-reset code sent before the change no longer resets, by the new or the old email', async () => {
      const user = await createVerifiedUser(t);
      await request(http)
        .post(`${API}/auth/forgot-password`)
        .send({ email: user.email })
        .expect(200);
      const resetCode = lastCode(t, user.email, 'Reset your password');

      const newEmail = freshEmail();
      await requestChange(user, { email: newEmail, password: user.password }).expect(200);
      await confirm(user, lastCode(t, newEmail, 'Confirm your new email')).expect(200);

      for (const email of [newEmail, user.email]) {
        const res = await request(http)
          .post(`${API}/auth/reset-password`)
          .send({ email, code: resetCode, newPassword: 'taken over 123' });
        expectError(res, 400, 'INVALID_CODE', 'Invalid reset code');
      }
      expect(await users().findOne({ _id: new Types.ObjectId(user.id) })).toMatchObject({
        email: newEmail,
        passwordReset: null,
        verification: null,
      });

      await request(http).get(`${API}/auth/me`).set('Cookie', user.cookies).expect(200);
      await login(http, newEmail, user.password);
      expectError(
        await request(http)
          .post(`${API}/auth/login`)
          .send({ identifier: newEmail, password: 'taken over 123' }),
        401,
        'INVALID_CREDENTIALS',
      );
    });

    it('a reset code requested after the change, to the new address, still works', async () => {
      const { user, newEmail, code } = await pendingChange();
      await confirm(user, code).expect(200);
      await request(http).post(`${API}/auth/forgot-password`).send({ email: newEmail }).expect(200);
      const resetCode = lastCode(t, newEmail, 'Reset your password');
      await request(http)
        .post(`${API}/auth/reset-password`)
        .send({ email: newEmail, code: resetCode, newPassword: 'after the move 9' })
        .expect(200);
      await login(http, newEmail, 'after the move 9');
    });
  });
});
