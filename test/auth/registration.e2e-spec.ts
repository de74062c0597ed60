import request from 'supertest';
import { createPendingUser, createVerifiedUser } from 'test/factories/users.factory';
import { emailsTo, lastCode, outbox } from 'test/utils/outbox';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import {
  API,
  expectError,
  expectNoSecrets,
  expectSuccess,
  type Http,
  newRegistration,
  RELAXED_LIMITS,
  setCookies,
} from 'test/auth/helpers';

const REGISTERED = 'User registered. Please verify your email';
const RESEND_MESSAGE =
  'If an unverified account exists for this email, a new verification code has been sent';
const HOUR = 3_600_000;

describe('Auth: registration and verification', () => {
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
  const register = (body: object) => request(http).post(`${API}/auth/register`).send(body);
  const verify = (email: string, code: unknown) =>
    request(http).post(`${API}/auth/verify-account`).send({ email, code });
  const resend = (email: string) =>
    request(http).post(`${API}/auth/resend-verification`).send({ email });
  const wrongCode = (code: string) => (code === '000000' ? '111111' : '000000');
  const ageRegistration = (email: string, ms: number) =>
    users().updateOne({ email }, { $set: { lastRegisteredAt: new Date(Date.now() - ms) } });
  const ageCode = (email: string, ms: number) =>
    users().updateOne({ email }, { $set: { 'verification.sentAt': new Date(Date.now() - ms) } });

  describe('GET /auth/check-username', () => {
    const check = (username?: string) =>
      request(http)
        .get(`${API}/auth/check-username`)
        .query(username === undefined ? {} : { username });

    it('reports a free username as available', async () => {
      const res = await check('free_name_1');
      expectSuccess(res, 200, 'Username is available');
      expect(res.body.data).toEqual({ available: true });
    });

    it('trims and lowercases before checking', async () => {
      const taken = await createVerifiedUser(t, { username: 'mixed_case_holder' });
      const res = await check(`  ${taken.username.toUpperCase()} `);
      expectSuccess(res, 200, 'Username is already taken');
      expect(res.body.data).toEqual({ available: false });
    });

    it('reports reserved words as taken, not as a validation error', async () => {
      for (const reserved of ['admin', 'search', 'history']) {
        const res = await check(reserved);
        expectSuccess(res, 200, 'Username is already taken');
        expect(res.body.data).toEqual({ available: false });
      }
    });

    it('reports a pending account as taken for 24 hours after its last registration, then available', async () => {
      const pending = await createPendingUser(t);
      expect((await check(pending.username)).body.data).toEqual({ available: false });
      await ageRegistration(pending.email, 23 * HOUR);
      expect((await check(pending.username)).body.data).toEqual({ available: false });
      await ageRegistration(pending.email, 24 * HOUR + 1000);
      const res = await check(pending.username);
      expectSuccess(res, 200, 'Username is available');
      expect(res.body.data).toEqual({ available: true });
    });

    it.each([
      ['Username is required', undefined],
      ['Username is required', '   '],
      ['Username must be at least 3 characters', 'ab'],
      ['Username must be at most 30 characters', 'a'.repeat(31)],
      ['Username can only contain letters, numbers, and underscores', 'bad-name'],
    ])('answers %s', async (message, username) => {
      const res = await check(username);
      expectError(res, 400, 'VALIDATION_ERROR', message);
      expect(res.body.errors).toEqual([{ field: 'username', location: 'query', message }]);
    });

    it('is public: credentials are ignored', async () => {
      const res = await check('any_name_here').set('Authorization', 'Bearer garbage');
      expect(res.status).toBe(200);
    });
  });

  describe('POST /auth/register', () => {
    it('creates a pending account, sends the verification email and sets no cookie', async () => {
      const user = newRegistration({ name: 'Ada Lovelace' });
      const res = await register(user);

      expectSuccess(res, 201, REGISTERED);
      expect(res.body.data).toBeNull();
      expect(setCookies(res)).toEqual([]);
      expectNoSecrets(res, [user.password]);

      const stored = await users().findOne({ email: user.email });
      expect(stored).toMatchObject({
        username: user.username,
        name: 'Ada Lovelace',
        isVerified: false,
        bio: '',
        profileImage: 'https://ui-avatars.com/api/?name=Ada%20Lovelace&background=random',
      });
      expect(stored?.password).toMatch(/^\$2[aby]\$04\$/);
      expect(stored?.password).not.toContain(user.password);

      const [mail] = emailsTo(t, user.email);
      expect(mail).toMatchObject({
        to: user.email,
        subject: 'Verify your email',
        from: t.config.mail.from,
      });
      expect(mail.text).toContain(`Hi ${user.username},`);
      expect(mail.text).toContain('expires in 15 minutes');
      expect(mail.html).toContain(user.username);
      expect(mail.html).toMatch(/<strong>\d{6}<\/strong>/);
    });

    it('stores the code only as a keyed hash', async () => {
      const user = newRegistration();
      await register(user).expect(201);
      const code = lastCode(t, user.email);
      const stored = await users().findOne({ email: user.email });
      expect(stored?.verification).toMatchObject({ attempts: 0 });
      expect(stored?.verification.codeHash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored)).not.toContain(code);
    });

    it('rejects a verified email with 409 Email already exists (rule 1)', async () => {
      const existing = await createVerifiedUser(t);
      const res = await register(newRegistration({ email: existing.email }));
      expectError(res, 409, 'CONFLICT', 'Email already exists');
    });

    it('rejects a verified username with 409 Username already exists (rule 2)', async () => {
      const existing = await createVerifiedUser(t);
      const res = await register(newRegistration({ username: existing.username }));
      expectError(res, 409, 'CONFLICT', 'Username already exists');
    });

    it('checks the email before the username', async () => {
      const a = await createVerifiedUser(t);
      const b = await createVerifiedUser(t);
      const res = await register(newRegistration({ email: a.email, username: b.username }));
      expectError(res, 409, 'CONFLICT', 'Email already exists');
    });

    it("never takes over someone else's pending account through its username (rule 3)", async () => {
      const pending = await createPendingUser(t);
      const res = await register(newRegistration({ username: pending.username }));
      expectError(res, 409, 'CONFLICT', 'Username already exists');
      expect(await users().findOne({ email: pending.email })).toMatchObject({
        username: pending.username,
      });
    });

    it('reclaims the username of a pending account whose 24-hour hold has passed (rule 3)', async () => {
      const pending = await createPendingUser(t);
      await ageRegistration(pending.email, 25 * HOUR);
      const claimer = newRegistration({ username: pending.username });
      await register(claimer).expect(201);
      expect(await users().findOne({ email: pending.email })).toBeNull();
      expect(await users().findOne({ username: pending.username })).toMatchObject({
        email: claimer.email,
      });
    });

    it('replaces a pending account registered again with the same email, in place (rule 4)', async () => {
      const first = newRegistration({ name: 'First Name' });
      await register(first).expect(201);
      const before = await users().findOne({ email: first.email });
      await ageCode(first.email, 61_000);

      const second = newRegistration({
        email: first.email,
        name: 'Second Name',
        password: 'other pass 77',
      });
      await register(second).expect(201);

      const after = await users().findOne({ email: first.email });
      expect(after?._id.toHexString()).toBe(before?._id.toHexString());
      expect(after).toMatchObject({
        name: 'Second Name',
        username: second.username,
        isVerified: false,
        profileImage: 'https://ui-avatars.com/api/?name=Second%20Name&background=random',
      });
      expect(after?.password).not.toBe(before?.password);
      expect((after?.lastRegisteredAt as Date).getTime()).toBeGreaterThan(
        (before?.lastRegisteredAt as Date).getTime(),
      );
      expect(await users().findOne({ username: first.username })).toBeNull();
    });

    it('within the 60 s cooldown sends no second email, with the same answer (rule 6)', async () => {
      const user = newRegistration();
      await register(user).expect(201);
      const again = await register(user);
      expectSuccess(again, 201, REGISTERED);
      expect(emailsTo(t, user.email)).toHaveLength(1);

      await ageCode(user.email, 61_000);
      await register(user).expect(201);
      expect(emailsTo(t, user.email)).toHaveLength(2);
    });

    it('answers a new and a pending email identically', async () => {
      const pending = newRegistration();
      await register(pending).expect(201);
      const fresh = await register(newRegistration());
      const repeat = await register(pending);
      expect([repeat.status, repeat.body.message, repeat.body.data]).toEqual([
        fresh.status,
        fresh.body.message,
        fresh.body.data,
      ]);
    });

    it('answers two registrations racing for one email with one 201 and one 409 Email already exists', async () => {
      const email = newRegistration().email;
      const results = await Promise.all([
        register(newRegistration({ email })),
        register(newRegistration({ email })),
      ]);
      expect(results.map((res) => res.status).sort()).toEqual([201, 409]);
      expectError(
        results.find((res) => res.status === 409)!,
        409,
        'CONFLICT',
        'Email already exists',
      );
      expect(await users().countDocuments({ email })).toBe(1);
    });

    it('answers two registrations racing for one username with one 201 and one 409 Username already exists', async () => {
      const username = newRegistration().username;
      const results = await Promise.all([
        register(newRegistration({ username })),
        register(newRegistration({ username })),
      ]);
      expect(results.map((res) => res.status).sort()).toEqual([201, 409]);
      expectError(
        results.find((res) => res.status === 409)!,
        409,
        'CONFLICT',
        'Username already exists',
      );
      expect(await users().countDocuments({ username })).toBe(1);
    });

    it('reports every invalid field in the documented order', async () => {
      const res = await register({});
      expectError(
        res,
        400,
        'VALIDATION_ERROR',
        'Name is required, Email is required, Username is required, Password is required',
      );
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toEqual([
        'name',
        'email',
        'username',
        'password',
      ]);
    });

    it.each([
      ['Name is required', { name: '   ' }],
      ['Name must be at most 50 characters', { name: 'n'.repeat(51) }],
      ['name must be a string', { name: 5 }],
      ['Invalid email format', { email: 'not-an-email' }],
      ['Invalid email format', { email: `${'a'.repeat(250)}@x.io` }],
      ['This username is reserved', { username: 'search' }],
      ['This username is reserved', { username: 'Profileimage' }],
      ['Username can only contain letters, numbers, and underscores', { username: 'no spaces' }],
      ['Password must be at least 8 characters', { password: 'short1' }],
      ['Password must be at most 72 bytes', { password: `${'a'.repeat(72)}1` }],
      ['Password must be at most 72 bytes', { password: `${'é'.repeat(36)}1` }],
      ['Password must contain at least one letter and one number', { password: 'onlyletters' }],
      ['Password must contain at least one letter and one number', { password: '1234567890' }],
      ['password must be a string', { password: 12345678 }],
      ['role is not allowed', { role: 'admin' }],
    ])('answers %s', async (message, override) => {
      const res = await register({ ...newRegistration(), ...override });
      expectError(res, 400, 'VALIDATION_ERROR', message);
    });

    it('does not trim passwords: spaces count toward the length', async () => {
      const user = newRegistration({ password: '  a1    ' });
      await register(user).expect(201);
    });

    it('trims and lowercases email and username', async () => {
      const user = newRegistration();
      await register({
        ...user,
        email: `  ${user.email.toUpperCase()} `,
        username: ` ${user.username.toUpperCase()}`,
      }).expect(201);
      expect(await users().findOne({ email: user.email })).toMatchObject({
        username: user.username,
      });
    });
  });

  describe('POST /auth/verify-account', () => {
    async function pendingWithCode(): Promise<{ email: string; code: string }> {
      const user = newRegistration();
      await register(user).expect(201);
      return { email: user.email, code: lastCode(t, user.email) };
    }

    it('verifies with the emailed code, clears it and sets no cookie', async () => {
      const { email, code } = await pendingWithCode();
      const res = await verify(email, code);
      expectSuccess(res, 200, 'Email verified successfully');
      expect(res.body.data).toBeNull();
      expect(setCookies(res)).toEqual([]);
      expectNoSecrets(res, [code]);
      expect(await users().findOne({ email })).toMatchObject({
        isVerified: true,
        verification: null,
      });
    });

    it('answers an unknown email like a wrong code', async () => {
      const res = await verify('nobody-here@example.test', '123456');
      expectError(res, 400, 'INVALID_CODE', 'Invalid verification code');
    });

    it('answers an already verified account with ALREADY_VERIFIED', async () => {
      const verified = await createVerifiedUser(t);
      const res = await verify(verified.email, '123456');
      expectError(res, 400, 'ALREADY_VERIFIED', 'User already verified');
    });

    it('counts wrong codes and voids the code at the 5th', async () => {
      const { email, code } = await pendingWithCode();
      for (let attempt = 1; attempt <= 4; attempt += 1) {
        expectError(
          await verify(email, wrongCode(code)),
          400,
          'INVALID_CODE',
          'Invalid verification code',
        );
      }
      expectError(
        await verify(email, wrongCode(code)),
        400,
        'TOO_MANY_ATTEMPTS',
        'Too many attempts, request a new code',
      );
      expectError(
        await verify(email, code),
        400,
        'TOO_MANY_ATTEMPTS',
        'Too many attempts, request a new code',
      );
      expect(await users().findOne({ email })).toMatchObject({ isVerified: false });
    });

    it('expires a code after 15 minutes', async () => {
      const { email, code } = await pendingWithCode();
      await users().updateOne(
        { email },
        { $set: { 'verification.expiresAt': new Date(Date.now() - 1000) } },
      );
      const res = await verify(email, code);
      expectError(res, 400, 'CODE_EXPIRED', 'Verification code expired. Please request a new code');
      expect(
        ((await users().findOne({ email }))?.verification.expiresAt as Date).getTime(),
      ).toBeLessThan(Date.now());
    });

    it('sets the expiry 15 minutes after sending', async () => {
      const before = Date.now();
      const { email } = await pendingWithCode();
      const expiresAt = (
        (await users().findOne({ email }))?.verification.expiresAt as Date
      ).getTime();
      expect(expiresAt).toBeGreaterThanOrEqual(before + 15 * 60_000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
    });

    it('checks the attempt limit before the expiry', async () => {
      const { email, code } = await pendingWithCode();
      await users().updateOne(
        { email },
        {
          $set: {
            'verification.attempts': 5,
            'verification.expiresAt': new Date(Date.now() - 1000),
          },
        },
      );
      expectError(await verify(email, code), 400, 'TOO_MANY_ATTEMPTS');
    });

    it('a new code voids the previous one and resets the attempts', async () => {
      const { email, code: first } = await pendingWithCode();
      await verify(email, wrongCode(first)).expect(400);
      await ageCode(email, 61_000);
      await resend(email).expect(200);
      const second = lastCode(t, email);
      expect((await users().findOne({ email }))?.verification.attempts).toBe(0);
      if (second !== first) expectError(await verify(email, first), 400, 'INVALID_CODE');
      expectSuccess(await verify(email, second), 200, 'Email verified successfully');
    });

    it('lets only one of two concurrent correct submissions consume the code', async () => {
      const { email, code } = await pendingWithCode();
      const results = await Promise.all([verify(email, code), verify(email, code)]);
      expect(results.filter((res) => res.status === 200)).toHaveLength(1);
    });

    it.each([['12345'], ['1234567'], ['12a456'], [123456], [null]])(
      'rejects the code %j',
      async (code) => {
        const res = await verify('someone@example.test', code);
        expectError(res, 400, 'VALIDATION_ERROR', 'Verification code must be 6 digits');
      },
    );
  });

  describe('POST /auth/resend-verification', () => {
    it('gives unknown, pending and verified emails the same answer', async () => {
      const pending = newRegistration();
      await register(pending).expect(201);
      await ageCode(pending.email, 61_000);
      const verified = await createVerifiedUser(t);

      const answers = await Promise.all([
        resend('never-registered@example.test'),
        resend(pending.email),
        resend(verified.email),
      ]);
      for (const res of answers) {
        expectSuccess(res, 200, RESEND_MESSAGE);
        expect(res.body.data).toBeNull();
      }
      expect(emailsTo(t, pending.email)).toHaveLength(2);
      expect(emailsTo(t, verified.email)).toHaveLength(0);
      expect(emailsTo(t, 'never-registered@example.test')).toHaveLength(0);
    });

    it('sends nothing within the cooldown, with the same answer', async () => {
      const pending = newRegistration();
      await register(pending).expect(201);
      const res = await resend(pending.email);
      expectSuccess(res, 200, RESEND_MESSAGE);
      expect(emailsTo(t, pending.email)).toHaveLength(1);
    });

    it('lets only one of concurrent resends through the cooldown', async () => {
      const pending = newRegistration();
      await register(pending).expect(201);
      await ageCode(pending.email, 61_000);
      const before = outbox(t).length;
      await Promise.all([resend(pending.email), resend(pending.email), resend(pending.email)]);
      expect(outbox(t).length - before).toBe(1);
    });

    it('validates the email', async () => {
      expectError(await resend('nope'), 400, 'VALIDATION_ERROR', 'Invalid email format');
    });
  });

  describe('register and verify: a code verifies only the registration it was sent for (issue 11)', () => {
    const loginWith = (identifier: string, password: string) =>
      request(http).post(`${API}/auth/login`).send({ identifier, password });

    it("an attacker re-registering a pending email cannot ride on the victim's code", async () => {
      const victim = newRegistration({ password: 'victim pass 11' });
      await register(victim).expect(201);
      const victimCode = lastCode(t, victim.email, 'Verify your email');

      // Within the resend cooldown: registering again replaces the pending account in place, no
      // email.
      const attacker = newRegistration({ email: victim.email, password: 'attacker pass 22' });
      expectSuccess(await register(attacker), 201, REGISTERED);
      expect(emailsTo(t, victim.email)).toHaveLength(1);

      const res = await verify(victim.email, victimCode);
      expectError(res, 400, 'INVALID_CODE', 'Invalid verification code');
      expect(await users().findOne({ email: victim.email })).toMatchObject({
        isVerified: false,
        username: attacker.username,
      });
      for (const identifier of [victim.email, attacker.username]) {
        expectError(
          await loginWith(identifier, attacker.password),
          401,
          'INVALID_CREDENTIALS',
          'Invalid credentials',
        );
      }

      // Once the cooldown has passed the victim registers again and gets a fresh code, which
      // verifies their own registration.
      await ageCode(victim.email, 61_000);
      await register(victim).expect(201);
      const fresh = lastCode(t, victim.email, 'Verify your email');
      await verify(victim.email, fresh).expect(200);
      expect(await users().findOne({ email: victim.email })).toMatchObject({
        isVerified: true,
        username: victim.username,
      });
      await loginWith(victim.username, victim.password).expect(200);
      expectError(await loginWith(victim.email, attacker.password), 401, 'INVALID_CREDENTIALS');
    });

    it('voids the code of the replaced attempt even after the cooldown; a resend sends one for the current attempt', async () => {
      const first = newRegistration({ password: 'first pass 33' });
      await register(first).expect(201);
      const firstCode = lastCode(t, first.email, 'Verify your email');
      await ageCode(first.email, 61_000);

      const second = newRegistration({ email: first.email, password: 'second pass 44' });
      await register(second).expect(201);
      const secondCode = lastCode(t, first.email, 'Verify your email');
      expect(emailsTo(t, first.email)).toHaveLength(2);
      expect(emailsTo(t, first.email)[1].text).toContain(`Hi ${second.username},`);

      if (firstCode !== secondCode) {
        expectError(await verify(first.email, firstCode), 400, 'INVALID_CODE');
      }
      await ageCode(first.email, 61_000);
      await resend(first.email).expect(200);
      const resent = lastCode(t, first.email, 'Verify your email');
      expect(emailsTo(t, first.email)).toHaveLength(3);
      await verify(first.email, resent).expect(200);
      await loginWith(second.username, second.password).expect(200);
      expectError(await loginWith(first.email, first.password), 401, 'INVALID_CREDENTIALS');
    });

    it('keeps the registration nonce out of every response', async () => {
      const user = newRegistration();
      const res = await register(user);
      const stored = await users().findOne({ email: user.email });
      expect(stored?.registrationNonce).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]{22}$/));
      expectNoSecrets(res, [String(stored?.registrationNonce)]);
      expect(res.text).not.toContain('registrationNonce');
    });
  });
});
