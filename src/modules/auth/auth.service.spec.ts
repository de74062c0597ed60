import { Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { loadAppConfig } from 'src/config/app-config';
import { AuthCookieJar } from 'src/modules/auth/auth-cookies.util';
import { AuthService } from 'src/modules/auth/auth.service';
import { LoginFailuresService } from 'src/common/rate-limit/login-failures.service';
import type { SessionsService } from 'src/modules/auth/sessions.service';
import type { AccountMailer } from 'src/modules/users/account-mailer.service';
import type { AccountsService, LoginAccount } from 'src/modules/users/accounts.service';
import type { MeResponse } from 'src/modules/users/dto/me.response';
import type { OneTimeCodes } from 'src/modules/users/one-time-codes.service';
import type { PasswordHasher } from 'src/modules/users/password-hasher.service';
import type { HolderRecord } from 'src/modules/users/user-records.type';
import type { UsersService } from 'src/modules/users/users.service';
import { MemoryCounterStore } from 'src/infrastructure/counters/memory-counter-store';

const config = loadAppConfig({ NODE_ENV: 'test' });
const CLIENT = { ip: '1.2.3.4', userAgent: 'jest' };
const ME = { _id: 'x' } as MeResponse;
const REGISTRATION = {
  name: 'Ada',
  email: 'ada@example.com',
  username: 'ada',
  password: 'salsa night 42',
};

function duplicateKey(): Error {
  return Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
}

async function failure(promise: Promise<unknown>): Promise<AppException> {
  const error = await promise.catch((e: unknown) => e);
  if (!(error instanceof AppException))
    throw new Error(`expected an AppException, got ${String(error)}`);
  return error;
}

describe('AuthService', () => {
  let accounts: jest.Mocked<AccountsService>;
  let users: jest.Mocked<Pick<UsersService, 'getMe'>>;
  let passwords: jest.Mocked<Pick<PasswordHasher, 'hash' | 'verify'>>;
  let codes: jest.Mocked<Pick<OneTimeCodes, 'issue' | 'discard' | 'redeem'>>;
  let mail: jest.Mocked<Pick<AccountMailer, 'sendVerificationCode' | 'sendPasswordResetCode'>>;
  let sessions: jest.Mocked<
    Pick<SessionsService, 'open' | 'refresh' | 'revokeAll' | 'revokeOthers' | 'logout'>
  >;
  let counters: MemoryCounterStore;
  let cookies: AuthCookieJar;
  let sut: AuthService;

  beforeEach(() => {
    accounts = {
      findHolders: jest.fn().mockResolvedValue([]),
      findUsernameHolder: jest.fn(),
      deleteStalePending: jest.fn(),
      createPending: jest.fn(),
      replacePending: jest.fn(),
      findLoginAccount: jest.fn(),
      findCredentialsById: jest.fn(),
      findCodeHolderByEmail: jest.fn(),
      setPassword: jest.fn(),
    } as unknown as jest.Mocked<AccountsService>;
    users = { getMe: jest.fn().mockResolvedValue(ME) };
    passwords = { hash: jest.fn().mockResolvedValue('$2b$hash'), verify: jest.fn() };
    codes = { issue: jest.fn(), discard: jest.fn(), redeem: jest.fn() };
    mail = { sendVerificationCode: jest.fn(), sendPasswordResetCode: jest.fn() };
    sessions = {
      open: jest.fn(),
      refresh: jest.fn(),
      revokeAll: jest.fn(),
      revokeOthers: jest.fn(),
      logout: jest.fn(),
    };
    counters = new MemoryCounterStore();
    cookies = new AuthCookieJar();
    sut = new AuthService(
      accounts,
      users as unknown as UsersService,
      passwords as unknown as PasswordHasher,
      codes as unknown as OneTimeCodes,
      mail as unknown as AccountMailer,
      sessions as unknown as SessionsService,
      new LoginFailuresService(counters, config),
      config,
    );
  });
  afterEach(() => counters.onModuleDestroy());

  describe('login', () => {
    const account = (isVerified: boolean): LoginAccount => ({
      credentials: {
        _id: new Types.ObjectId(),
        username: 'ada',
        email: 'ada@example.com',
        isVerified,
        password: '$2b$real',
      },
      me: ME,
    });

    it('compares a pending account against the dummy hash and answers Invalid credentials', async () => {
      accounts.findLoginAccount.mockResolvedValue(account(false));
      passwords.verify.mockResolvedValue(false);
      const error = await failure(sut.login({ identifier: 'ada', password: 'x' }, CLIENT, cookies));
      expect(error.code).toBe(ErrorCode.INVALID_CREDENTIALS);
      expect(passwords.verify).toHaveBeenCalledWith('x', null);
      expect(sessions.open).not.toHaveBeenCalled();
      expect(cookies.instruction).toBeNull();
    });

    it('compares an unknown identifier too', async () => {
      accounts.findLoginAccount.mockResolvedValue(null);
      passwords.verify.mockResolvedValue(false);
      await failure(sut.login({ identifier: 'ghost', password: 'x' }, CLIENT, cookies));
      expect(passwords.verify).toHaveBeenCalledTimes(1);
    });

    it('counts failures against the account daily, and per typed identifier and IP', async () => {
      const verified = account(true);
      accounts.findLoginAccount.mockResolvedValue(verified);
      passwords.verify.mockResolvedValue(false);
      await failure(sut.login({ identifier: 'ada', password: 'x' }, CLIENT, cookies));
      await failure(sut.login({ identifier: 'ada@example.com', password: 'x' }, CLIENT, cookies));
      const id = verified.credentials._id.toHexString();
      expect((await counters.peek(`login-failures-account:u:${id}`)).count).toBe(2);
      expect((await counters.peek(`login-failures:i:ada|${CLIENT.ip}`)).count).toBe(1);
      expect((await counters.peek(`login-failures:i:ada@example.com|${CLIENT.ip}`)).count).toBe(1);
      expect((await counters.peek('login-failures-account:i:ada')).count).toBe(0);
    });

    it('opens a session, signs the cookies in and returns Me', async () => {
      const verified = account(true);
      accounts.findLoginAccount.mockResolvedValue(verified);
      passwords.verify.mockResolvedValue(true);
      sessions.open.mockResolvedValue({ accessToken: 'a', refreshToken: 'r' });
      expect(await sut.login({ identifier: 'ada', password: 'right' }, CLIENT, cookies)).toBe(ME);
      expect(passwords.verify).toHaveBeenCalledWith('right', '$2b$real');
      expect(sessions.open).toHaveBeenCalledWith(verified.credentials._id.toHexString(), CLIENT);
      // The Me came with the credentials: no second read of the user.
      expect(users.getMe).not.toHaveBeenCalled();
      expect(cookies.instruction).toEqual({ kind: 'sign-in', accessToken: 'a', refreshToken: 'r' });
    });
  });

  describe('register', () => {
    const pending = (overrides: Partial<HolderRecord> = {}): HolderRecord => ({
      _id: new Types.ObjectId(),
      email: 'ada@example.com',
      username: 'ada',
      isVerified: false,
      lastRegisteredAt: new Date(),
      ...overrides,
    });

    it('sends no email when a code went out within the cooldown', async () => {
      const holder = pending();
      accounts.findHolders.mockResolvedValue([holder]);
      accounts.replacePending.mockResolvedValue(true);
      codes.issue.mockResolvedValue(null);
      await sut.register(REGISTRATION);
      expect(accounts.replacePending).toHaveBeenCalledWith(
        holder._id,
        expect.objectContaining({ username: 'ada' }),
      );
      expect(mail.sendVerificationCode).not.toHaveBeenCalled();
    });

    it('keeps the account but discards the code when the email cannot be sent: 503', async () => {
      const id = new Types.ObjectId();
      accounts.createPending.mockResolvedValue(id);
      const issued = { code: '123456', codeHash: 'h' };
      codes.issue.mockResolvedValue(issued);
      mail.sendVerificationCode.mockRejectedValue(new Error('provider down'));
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const error = await failure(sut.register(REGISTRATION));
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('provider down'));
      expect(warn.mock.calls[0][0]).not.toContain('123456');
      warn.mockRestore();
      expect([error.status, error.code, error.message]).toEqual([
        503,
        'EMAIL_DELIVERY_FAILED',
        'Failed to send verification email',
      ]);
      expect(codes.discard).toHaveBeenCalledWith(id, 'verification', issued);
    });

    it('names the email when a concurrent registration took it', async () => {
      accounts.createPending.mockRejectedValue(duplicateKey());
      accounts.findHolders
        .mockResolvedValueOnce([])
        .mockResolvedValueOnce([pending({ username: 'other' })]);
      expect((await failure(sut.register(REGISTRATION))).message).toBe('Email already exists');
    });

    it('names the username when a concurrent registration took it', async () => {
      accounts.createPending.mockRejectedValue(duplicateKey());
      accounts.findHolders
        .mockResolvedValueOnce([])
        .mockResolvedValueOnce([pending({ email: 'other@example.com' })]);
      expect((await failure(sut.register(REGISTRATION))).message).toBe('Username already exists');
    });

    it("deletes another pending account's username only after its hold", async () => {
      const stale = pending({
        email: 'other@example.com',
        lastRegisteredAt: new Date(Date.now() - 25 * 3600_000),
      });
      accounts.findHolders.mockResolvedValue([stale]);
      accounts.createPending.mockResolvedValue(new Types.ObjectId());
      codes.issue.mockResolvedValue(null);
      await sut.register(REGISTRATION);
      expect(accounts.deleteStalePending).toHaveBeenCalledWith(stale._id, expect.any(Date));

      accounts.findHolders.mockResolvedValue([pending({ email: 'other@example.com' })]);
      expect((await failure(sut.register(REGISTRATION))).message).toBe('Username already exists');
    });
  });

  describe('refresh and logout cookies', () => {
    it('clears both cookies when the refresh fails with a 401', async () => {
      sessions.refresh.mockRejectedValue(new AppException(ErrorCode.INVALID_REFRESH_TOKEN));
      await failure(sut.refresh('t', cookies));
      expect(cookies.instruction).toEqual({ kind: 'clear' });
    });

    it('leaves the cookies alone when the refresh fails for another reason (e.g. the database)', async () => {
      sessions.refresh.mockRejectedValue(new AppException(ErrorCode.SERVICE_UNAVAILABLE));
      await failure(sut.refresh('t', cookies));
      expect(cookies.instruction).toBeNull();
    });

    it('sets only the access cookie in the grace case', async () => {
      sessions.refresh.mockResolvedValue({ kind: 'grace', accessToken: 'a2' });
      await sut.refresh('t', cookies);
      expect(cookies.instruction).toEqual({ kind: 'renew-access', accessToken: 'a2' });
    });

    it('clears both cookies on logout, also when it fails with 401', async () => {
      await sut.logout(
        {
          principal: null,
          access: { bearer: undefined, cookie: undefined },
          refreshToken: undefined,
        },
        cookies,
      );
      expect(cookies.instruction).toEqual({ kind: 'clear' });
      const failed = new AuthCookieJar();
      sessions.logout.mockRejectedValue(new AppException(ErrorCode.UNAUTHORIZED));
      await failure(
        sut.logout(
          {
            principal: null,
            access: { bearer: undefined, cookie: undefined },
            refreshToken: undefined,
          },
          failed,
        ),
      );
      expect(failed.instruction).toEqual({ kind: 'clear' });
    });
  });

  describe('resetPassword', () => {
    it('revokes every session, lifts the account cap and clears the cookies', async () => {
      const holder = {
        _id: new Types.ObjectId(),
        username: 'ada',
        email: 'ada@example.com',
        isVerified: true,
        registrationNonce: null,
        code: null,
      };
      accounts.findCodeHolderByEmail.mockResolvedValue(holder);
      codes.redeem.mockResolvedValue(holder);
      const accountBucket = `login-failures-account:u:${holder._id.toHexString()}`;
      await counters.hit(accountBucket, 60_000);
      await sut.resetPassword(
        { email: holder.email, code: '123456', newPassword: 'new one 123' },
        cookies,
      );
      expect(codes.redeem).toHaveBeenCalledWith(
        holder,
        'passwordReset',
        '123456',
        expect.any(Function),
      );
      expect(sessions.revokeAll).toHaveBeenCalledWith(holder._id, 'password_reset');
      expect((await counters.peek(accountBucket)).count).toBe(0);
      expect(cookies.instruction).toEqual({ kind: 'clear' });
    });

    it('treats a pending account like an unknown one', async () => {
      accounts.findCodeHolderByEmail.mockResolvedValue({
        _id: new Types.ObjectId(),
        username: 'ada',
        email: 'ada@example.com',
        isVerified: false,
        registrationNonce: null,
        code: null,
      });
      codes.redeem.mockRejectedValue(
        new AppException(ErrorCode.INVALID_CODE, 'Invalid reset code'),
      );
      await failure(
        sut.resetPassword(
          { email: 'ada@example.com', code: '123456', newPassword: 'new one 123' },
          cookies,
        ),
      );
      expect(codes.redeem.mock.calls[0][0]).toBeNull();
      expect(cookies.instruction).toBeNull();
    });
  });

  it('checkUsername reports reserved words as taken without a query', async () => {
    const result = await sut.checkUsername('admin');
    expect([result.message, result.data]).toEqual([
      'Username is already taken',
      { available: false },
    ]);
    expect(accounts.findUsernameHolder).not.toHaveBeenCalled();
  });
});
