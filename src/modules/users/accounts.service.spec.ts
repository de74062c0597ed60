import { Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { LoginFailuresService } from 'src/common/rate-limit/login-failures.service';
import { loadAppConfig } from 'src/config/app-config';
import { MemoryCounterStore } from 'src/infrastructure/counters/memory-counter-store';
import type { AccountMailerService } from 'src/modules/users/account-mailer.service';
import { AccountsService } from 'src/modules/users/accounts.service';
import type { OneTimeCodesService } from 'src/modules/users/one-time-codes.service';
import type { PasswordHasherService } from 'src/modules/users/password-hasher.service';
import type {
  CodeHolderRecord,
  HolderRecord,
  LoginRecord,
} from 'src/modules/users/user-records.type';
import type { UsersRepository } from 'src/modules/users/users.repository';

const config = loadAppConfig({ NODE_ENV: 'test' });
const IP = '1.2.3.4';
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

const newId = (): string => new Types.ObjectId().toHexString();

describe('AccountsService', () => {
  let users: jest.Mocked<
    Pick<
      UsersRepository,
      | 'findHolders'
      | 'findUsernameHolder'
      | 'deleteStalePending'
      | 'createPending'
      | 'replacePending'
      | 'findLoginAccount'
      | 'findCredentialsById'
      | 'findCodeHolderByEmail'
      | 'setPassword'
    >
  >;
  let passwords: jest.Mocked<Pick<PasswordHasherService, 'hash' | 'verify'>>;
  let codes: jest.Mocked<Pick<OneTimeCodesService, 'issue' | 'discard' | 'redeem'>>;
  let mail: jest.Mocked<
    Pick<AccountMailerService, 'sendVerificationCode' | 'sendPasswordResetCode'>
  >;
  let counters: MemoryCounterStore;
  let sut: AccountsService;

  beforeEach(() => {
    users = {
      findHolders: jest.fn().mockResolvedValue([]),
      findUsernameHolder: jest.fn(),
      deleteStalePending: jest.fn(),
      createPending: jest.fn(),
      replacePending: jest.fn(),
      findLoginAccount: jest.fn(),
      findCredentialsById: jest.fn(),
      findCodeHolderByEmail: jest.fn(),
      setPassword: jest.fn(),
    };
    passwords = { hash: jest.fn().mockResolvedValue('$2b$hash'), verify: jest.fn() };
    codes = { issue: jest.fn(), discard: jest.fn(), redeem: jest.fn() };
    mail = { sendVerificationCode: jest.fn(), sendPasswordResetCode: jest.fn() };
    counters = new MemoryCounterStore();
    sut = new AccountsService(
      users as unknown as UsersRepository,
      passwords as unknown as PasswordHasherService,
      codes as unknown as OneTimeCodesService,
      mail as unknown as AccountMailerService,
      new LoginFailuresService(counters, config),
      config,
    );
  });
  afterEach(() => counters.onApplicationShutdown());

  describe('checkLogin', () => {
    const account = (isVerified: boolean): LoginRecord => {
      const _id = new Types.ObjectId();
      const now = new Date();
      return {
        credentials: {
          id: _id.toHexString(),
          username: 'ada',
          email: 'ada@example.com',
          isVerified,
          password: '$2b$real',
        },
        me: {
          _id,
          username: 'ada',
          email: 'ada@example.com',
          name: 'Ada',
          profileImage: 'https://example.test/ada.png',
          isVerified,
          createdAt: now,
          updatedAt: now,
        },
      };
    };

    it('compares a pending account against the dummy hash and answers Invalid credentials', async () => {
      users.findLoginAccount.mockResolvedValue(account(false));
      passwords.verify.mockResolvedValue(false);
      const error = await failure(sut.checkLogin({ identifier: 'ada', password: 'x' }, IP));
      expect(error.code).toBe(ErrorCode.INVALID_CREDENTIALS);
      expect(passwords.verify).toHaveBeenCalledWith('x', null);
    });

    it('compares an unknown identifier too', async () => {
      users.findLoginAccount.mockResolvedValue(null);
      passwords.verify.mockResolvedValue(false);
      await failure(sut.checkLogin({ identifier: 'ghost', password: 'x' }, IP));
      expect(passwords.verify).toHaveBeenCalledTimes(1);
    });

    it('counts failures against the account daily, and per typed identifier and IP', async () => {
      const verified = account(true);
      users.findLoginAccount.mockResolvedValue(verified);
      passwords.verify.mockResolvedValue(false);
      await failure(sut.checkLogin({ identifier: 'ada', password: 'x' }, IP));
      await failure(sut.checkLogin({ identifier: 'ada@example.com', password: 'x' }, IP));
      const id = verified.credentials.id;
      expect((await counters.peek(`login-failures-account:u:${id}`)).count).toBe(2);
      expect((await counters.peek(`login-failures:i:ada|${IP}`)).count).toBe(1);
      expect((await counters.peek(`login-failures:i:ada@example.com|${IP}`)).count).toBe(1);
      expect((await counters.peek('login-failures-account:i:ada')).count).toBe(0);
    });

    it('answers the account id and its Me, read together with the credentials', async () => {
      const verified = account(true);
      users.findLoginAccount.mockResolvedValue(verified);
      passwords.verify.mockResolvedValue(true);
      const signedIn = await sut.checkLogin({ identifier: 'ada', password: 'right' }, IP);
      expect(passwords.verify).toHaveBeenCalledWith('right', '$2b$real');
      expect(signedIn.userId).toBe(verified.credentials.id);
      expect(signedIn.me).toMatchObject({ _id: verified.credentials.id, username: 'ada' });
      expect(JSON.stringify(signedIn)).not.toContain('$2b$real');
      expect(users.findLoginAccount).toHaveBeenCalledTimes(1);
    });
  });

  describe('register', () => {
    const pending = (overrides: Partial<HolderRecord> = {}): HolderRecord => ({
      id: newId(),
      email: 'ada@example.com',
      username: 'ada',
      isVerified: false,
      lastRegisteredAt: new Date(),
      ...overrides,
    });

    it('sends no email when a code went out within the cooldown', async () => {
      const holder = pending();
      users.findHolders.mockResolvedValue([holder]);
      users.replacePending.mockResolvedValue(true);
      codes.issue.mockResolvedValue(null);
      await sut.register(REGISTRATION);
      expect(users.replacePending).toHaveBeenCalledWith(
        holder.id,
        expect.objectContaining({ username: 'ada' }),
      );
      expect(mail.sendVerificationCode).not.toHaveBeenCalled();
    });

    it('keeps the account but discards the code when the email cannot be sent: 503', async () => {
      const id = newId();
      users.createPending.mockResolvedValue(id);
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
      users.createPending.mockRejectedValue(duplicateKey());
      users.findHolders
        .mockResolvedValueOnce([])
        .mockResolvedValueOnce([pending({ username: 'other' })]);
      expect((await failure(sut.register(REGISTRATION))).message).toBe('Email already exists');
    });

    it('names the username when a concurrent registration took it', async () => {
      users.createPending.mockRejectedValue(duplicateKey());
      users.findHolders
        .mockResolvedValueOnce([])
        .mockResolvedValueOnce([pending({ email: 'other@example.com' })]);
      expect((await failure(sut.register(REGISTRATION))).message).toBe('Username already exists');
    });

    it("deletes another pending account's username only after its hold", async () => {
      const stale = pending({
        email: 'other@example.com',
        lastRegisteredAt: new Date(Date.now() - 25 * 3600_000),
      });
      users.findHolders.mockResolvedValue([stale]);
      users.createPending.mockResolvedValue(newId());
      codes.issue.mockResolvedValue(null);
      await sut.register(REGISTRATION);
      expect(users.deleteStalePending).toHaveBeenCalledWith(stale.id, expect.any(Date));

      users.findHolders.mockResolvedValue([pending({ email: 'other@example.com' })]);
      expect((await failure(sut.register(REGISTRATION))).message).toBe('Username already exists');
    });
  });

  describe('resetPassword', () => {
    const holder = (isVerified: boolean): CodeHolderRecord => ({
      id: newId(),
      username: 'ada',
      email: 'ada@example.com',
      isVerified,
      registrationNonce: null,
      code: null,
    });

    it("redeems the code with the new hash, lifts the account's cap and answers its id", async () => {
      const verified = holder(true);
      users.findCodeHolderByEmail.mockResolvedValue(verified);
      codes.redeem.mockResolvedValue(verified);
      const accountBucket = `login-failures-account:u:${verified.id}`;
      await counters.hit(accountBucket, 60_000);
      expect(
        await sut.resetPassword({
          email: verified.email,
          code: '123456',
          newPassword: 'new one 123',
        }),
      ).toBe(verified.id);
      expect(codes.redeem).toHaveBeenCalledWith(
        verified,
        'passwordReset',
        '123456',
        expect.any(Function),
      );
      expect((await counters.peek(accountBucket)).count).toBe(0);
    });

    it('treats a pending account like an unknown one', async () => {
      users.findCodeHolderByEmail.mockResolvedValue(holder(false));
      codes.redeem.mockRejectedValue(
        new AppException(ErrorCode.INVALID_CODE, 'Invalid reset code'),
      );
      await failure(
        sut.resetPassword({ email: 'ada@example.com', code: '123456', newPassword: 'new one 123' }),
      );
      expect(codes.redeem.mock.calls[0][0]).toBeNull();
    });
  });

  describe('changePassword', () => {
    const credentials = {
      id: newId(),
      username: 'ada',
      email: 'ada@example.com',
      isVerified: true,
      password: '$2b$old',
    };

    it('checks the old password, then stores the hash of the new one', async () => {
      users.findCredentialsById.mockResolvedValue(credentials);
      passwords.verify.mockResolvedValue(true);
      await sut.changePassword(
        credentials.id,
        { oldPassword: 'old one', newPassword: 'new one 123' },
        IP,
      );
      expect(passwords.verify).toHaveBeenCalledWith('old one', '$2b$old');
      expect(users.setPassword).toHaveBeenCalledWith(credentials.id, '$2b$hash');
    });

    it('answers a wrong old password with 400 WRONG_PASSWORD and changes nothing', async () => {
      users.findCredentialsById.mockResolvedValue(credentials);
      passwords.verify.mockResolvedValue(false);
      const error = await failure(
        sut.changePassword(credentials.id, { oldPassword: 'x', newPassword: 'new one 123' }, IP),
      );
      expect([error.status, error.code, error.message]).toEqual([
        400,
        'WRONG_PASSWORD',
        'Old password is incorrect',
      ]);
      expect(users.setPassword).not.toHaveBeenCalled();
    });
  });

  it('checkUsername reports reserved words as taken without a query', async () => {
    const result = await sut.checkUsername('admin');
    expect([result.message, result.data]).toEqual([
      'Username is already taken',
      { available: false },
    ]);
    expect(users.findUsernameHolder).not.toHaveBeenCalled();
  });
});
