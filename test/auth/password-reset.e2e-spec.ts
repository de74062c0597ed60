import { Types } from 'mongoose';
import request from 'supertest';
import { createPendingUser, createVerifiedUser, signIn } from 'test/factories/users.factory';
import { emailsTo, lastCode } from 'test/utils/outbox';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import {
  API,
  expectCookiesCleared,
  expectError,
  expectNoSecrets,
  expectSuccess,
  type Http,
  login,
  RELAXED_LIMITS,
  setCookies,
} from 'test/auth/helpers';

const FORGOT_MESSAGE = 'If an account exists for this email, a password reset code has been sent';
const NEW_PASSWORD = 'new rhythm 808';

describe('Auth: forgot and reset password', () => {
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    t = await createTestApp(RELAXED_LIMITS);
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const users = () => t.connection.collection('users');
  const forgot = (email: string) =>
    request(http).post(`${API}/auth/forgot-password`).send({ email });
  const reset = (body: object) => request(http).post(`${API}/auth/reset-password`).send(body);
  const wrongCode = (code: string) => (code === '000000' ? '111111' : '000000');

  async function userWithResetCode() {
    const user = await createVerifiedUser(t);
    await forgot(user.email).expect(200);
    return { user, code: lastCode(t, user.email, 'Reset your password') };
  }

  describe('POST /auth/forgot-password', () => {
    it('emails a labelled reset code to a verified account', async () => {
      const user = await createVerifiedUser(t);
      const res = await forgot(user.email);
      expectSuccess(res, 200, FORGOT_MESSAGE);
      expect(res.body.data).toBeNull();
      const [mail] = emailsTo(t, user.email);
      expect(mail).toMatchObject({ subject: 'Reset your password', from: t.config.mail.from });
      expect(mail.text).toMatch(/Your password reset code: \d{6}/);
      expect(mail.text).toContain(`Hi ${user.username},`);
      expect(mail.text).toContain('expires in 15 minutes');
      expect(mail.html).toMatch(/Your password reset code: <strong>\d{6}<\/strong>/);
      expectNoSecrets(res, [lastCode(t, user.email)]);
    });

    it('gives unknown, pending and verified emails the same answer, and mails only the verified one', async () => {
      const verified = await createVerifiedUser(t);
      const pending = await createPendingUser(t);
      const answers = await Promise.all([
        forgot('ghost@example.test'),
        forgot(pending.email),
        forgot(verified.email),
      ]);
      for (const res of answers) {
        expectSuccess(res, 200, FORGOT_MESSAGE);
        expect(res.body.data).toBeNull();
      }
      expect(emailsTo(t, pending.email)).toHaveLength(0);
      expect(emailsTo(t, 'ghost@example.test')).toHaveLength(0);
      expect(emailsTo(t, verified.email)).toHaveLength(1);
    });

    it('sends no second code within 60 seconds', async () => {
      const { user } = await userWithResetCode();
      await forgot(user.email).expect(200);
      expect(emailsTo(t, user.email)).toHaveLength(1);
      await users().updateOne(
        { email: user.email },
        { $set: { 'passwordReset.sentAt': new Date(Date.now() - 61_000) } },
      );
      await forgot(user.email).expect(200);
      expect(emailsTo(t, user.email)).toHaveLength(2);
    });
  });

  describe('POST /auth/reset-password', () => {
    it('replaces the password, revokes every session and clears both cookies', async () => {
      const { user, code } = await userWithResetCode();
      const other = await signIn(t, user);
      const res = await reset({ email: user.email, code, newPassword: NEW_PASSWORD });

      expectSuccess(res, 200, 'Password reset successful. Please login again');
      expect(res.body.data).toBeNull();
      expectCookiesCleared(res);
      expectNoSecrets(res, [code, NEW_PASSWORD]);
      for (const session of [user, other]) {
        expectError(
          await request(http).get(`${API}/auth/me`).set('Cookie', session.cookies),
          401,
          'UNAUTHORIZED',
        );
        expectError(
          await request(http)
            .post(`${API}/auth/refresh-token`)
            .set('Cookie', `refreshToken=${session.refreshToken}`),
          401,
          'INVALID_REFRESH_TOKEN',
        );
      }
      const revoked = await t.connection
        .collection('sessions')
        .find({ user: new Types.ObjectId(user.id) })
        .toArray();
      expect(revoked.map((session) => session.revokedReason as string)).toEqual([
        'password_reset',
        'password_reset',
      ]);
      expect(await users().findOne({ email: user.email })).toMatchObject({ passwordReset: null });

      expectError(
        await request(http)
          .post(`${API}/auth/login`)
          .send({ identifier: user.email, password: user.password }),
        401,
        'INVALID_CREDENTIALS',
      );
      await login(http, user.email, NEW_PASSWORD);
    });

    it('is single use', async () => {
      const { user, code } = await userWithResetCode();
      await reset({ email: user.email, code, newPassword: NEW_PASSWORD }).expect(200);
      expectError(
        await reset({ email: user.email, code, newPassword: 'again and 2' }),
        400,
        'INVALID_CODE',
        'Invalid reset code',
      );
    });

    it('answers unknown and pending emails like a wrong code', async () => {
      const pending = await createPendingUser(t);
      const { user, code } = await userWithResetCode();
      const answers = [
        await reset({ email: 'ghost@example.test', code: '123456', newPassword: NEW_PASSWORD }),
        await reset({ email: pending.email, code: '123456', newPassword: NEW_PASSWORD }),
        await reset({ email: user.email, code: wrongCode(code), newPassword: NEW_PASSWORD }),
      ];
      for (const res of answers) {
        expectError(res, 400, 'INVALID_CODE', 'Invalid reset code');
        expect(setCookies(res)).toEqual([]);
      }
    });

    it('voids the code at the 5th wrong attempt', async () => {
      const { user, code } = await userWithResetCode();
      for (let attempt = 1; attempt <= 4; attempt += 1) {
        expectError(
          await reset({ email: user.email, code: wrongCode(code), newPassword: NEW_PASSWORD }),
          400,
          'INVALID_CODE',
        );
      }
      expectError(
        await reset({ email: user.email, code: wrongCode(code), newPassword: NEW_PASSWORD }),
        400,
        'TOO_MANY_ATTEMPTS',
        'Too many attempts, request a new code',
      );
      expectError(
        await reset({ email: user.email, code, newPassword: NEW_PASSWORD }),
        400,
        'TOO_MANY_ATTEMPTS',
      );
      await login(http, user.email, user.password);
    });

    it('expires the code after 15 minutes', async () => {
      const { user, code } = await userWithResetCode();
      await users().updateOne(
        { email: user.email },
        { $set: { 'passwordReset.expiresAt': new Date(Date.now() - 1) } },
      );
      expectError(
        await reset({ email: user.email, code, newPassword: NEW_PASSWORD }),
        400,
        'CODE_EXPIRED',
        'Reset code expired. Please try again',
      );
    });

    it('a new code voids the previous one', async () => {
      const { user, code: first } = await userWithResetCode();
      await users().updateOne(
        { email: user.email },
        { $set: { 'passwordReset.sentAt': new Date(Date.now() - 61_000) } },
      );
      await forgot(user.email).expect(200);
      const second = lastCode(t, user.email);
      if (second !== first) {
        expectError(
          await reset({ email: user.email, code: first, newPassword: NEW_PASSWORD }),
          400,
          'INVALID_CODE',
        );
      }
      await reset({ email: user.email, code: second, newPassword: NEW_PASSWORD }).expect(200);
    });

    it.each([
      ['a short password', { newPassword: 'ab1' }, 'Password must be at least 8 characters'],
      ['a missing password', { newPassword: undefined }, 'Password is required'],
      [
        'a password over 72 bytes',
        { newPassword: `${'x'.repeat(72)}1` },
        'Password must be at most 72 bytes',
      ],
      ['a bad code', { code: 'abcdef' }, 'Verification code must be 6 digits'],
      ['a bad email', { email: 'nope' }, 'Invalid email format'],
    ])('validates %s', async (_label, override, message) => {
      const res = await reset({
        email: 'someone@example.test',
        code: '123456',
        newPassword: NEW_PASSWORD,
        ...override,
      });
      expectError(res, 400, 'VALIDATION_ERROR', message);
    });
  });
});
