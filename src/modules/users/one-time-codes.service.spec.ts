import { createHmac } from 'node:crypto';
import { Types } from 'mongoose';
import { AppException } from 'src/common/errors/app.exception';
import { loadAppConfig } from 'src/config/app-config';
import { OneTimeCodesService } from 'src/modules/users/one-time-codes.service';
import type { PendingCode } from 'src/modules/users/schemas/user.schema';
import type { CodeHolderRecord } from 'src/modules/users/user-records.type';
import type { UsersRepository } from 'src/modules/users/users.repository';

const config = loadAppConfig({ NODE_ENV: 'test', CODE_HASH_SECRET: 'k'.repeat(40) });
const userId = new Types.ObjectId().toHexString();

function hashOf(purpose: string, code: string, registrationNonce?: string): string {
  const subject = registrationNonce ? `${userId}:${registrationNonce}` : userId;
  return createHmac('sha256', config.auth.codeSecret)
    .update(`${purpose}:${subject}:${code}`)
    .digest('hex');
}

function holder(
  code: Partial<PendingCode> | null,
  registrationNonce: string | null = null,
): CodeHolderRecord {
  return {
    id: userId,
    username: 'ada',
    email: 'ada@example.com',
    isVerified: false,
    registrationNonce,
    code: code && {
      codeHash: hashOf('verification', '123456'),
      expiresAt: new Date(Date.now() + 60_000),
      attempts: 0,
      sentAt: new Date(),
      ...code,
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.catch((e: unknown) => e);
  if (!(error instanceof AppException))
    throw new Error(`expected an AppException, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe('OneTimeCodesService', () => {
  let repository: jest.Mocked<
    Pick<UsersRepository, 'storeCode' | 'discardCode' | 'countWrongAttempt' | 'consumeCode'>
  >;
  let sut: OneTimeCodesService;

  beforeEach(() => {
    repository = {
      storeCode: jest.fn(),
      discardCode: jest.fn(),
      countWrongAttempt: jest.fn(),
      consumeCode: jest.fn(),
    };
    sut = new OneTimeCodesService(repository as unknown as UsersRepository, config);
  });

  describe('issue', () => {
    it('stores a keyed hash of a fresh 6-digit code with the TTL and a cooldown cutoff, never the code', async () => {
      repository.storeCode.mockResolvedValue(true);
      const before = Date.now();
      const issued = await sut.issue(userId, 'verification', { where: { isVerified: false } });

      expect(issued?.code).toMatch(/^\d{6}$/);
      expect(issued?.codeHash).toBe(hashOf('verification', issued?.code ?? ''));
      const [id, purpose, stored, cutoff, where] = repository.storeCode.mock.calls[0];
      expect([id, purpose, where]).toEqual([
        userId,
        'verification',
        { isVerified: false, registrationNonce: null },
      ]);
      expect(stored).toMatchObject({ codeHash: issued?.codeHash, attempts: 0 });
      expect(JSON.stringify(stored)).not.toContain(`"${issued?.code}"`);
      expect(stored.expiresAt.getTime() - stored.sentAt.getTime()).toBe(15 * 60_000);
      expect(cutoff.getTime()).toBeGreaterThanOrEqual(before - 60_000);
      expect(cutoff.getTime()).toBeLessThanOrEqual(Date.now() - 60_000);
    });

    it('binds the hash to the purpose', async () => {
      repository.storeCode.mockResolvedValue(true);
      const issued = await sut.issue(userId, 'passwordReset');
      expect(issued?.codeHash).not.toBe(hashOf('verification', issued?.code ?? ''));
    });

    it('binds a verification code to the registration attempt, and stores it only while that attempt is current', async () => {
      repository.storeCode.mockResolvedValue(true);
      const issued = await sut.issue(userId, 'verification', {
        where: { isVerified: false },
        registrationNonce: 'attempt-1',
      });
      expect(issued?.codeHash).toBe(hashOf('verification', issued?.code ?? '', 'attempt-1'));
      expect(issued?.codeHash).not.toBe(hashOf('verification', issued?.code ?? ''));
      expect(repository.storeCode.mock.calls[0][4]).toEqual({
        isVerified: false,
        registrationNonce: 'attempt-1',
      });
    });

    it('binds no other purpose to a registration attempt', async () => {
      repository.storeCode.mockResolvedValue(true);
      const issued = await sut.issue(userId, 'passwordReset', {
        where: { isVerified: true },
        registrationNonce: 'ignored',
      });
      expect(issued?.codeHash).toBe(hashOf('passwordReset', issued?.code ?? ''));
      expect(repository.storeCode.mock.calls[0][4]).toEqual({ isVerified: true });
    });

    it('answers null within the cooldown', async () => {
      repository.storeCode.mockResolvedValue(false);
      expect(await sut.issue(userId, 'verification')).toBeNull();
    });

    it('stores the pending email of an email change with its code', async () => {
      repository.storeCode.mockResolvedValue(true);
      await sut.issue(userId, 'emailChange', { pendingEmail: 'new@example.com' });
      expect(repository.storeCode.mock.calls[0][2]).toMatchObject({
        pendingEmail: 'new@example.com',
      });
    });
  });

  describe('redeem (in the documented check order)', () => {
    const changes = (): { isVerified: boolean } => ({ isVerified: true });

    it('1. no account or no live code → INVALID_CODE with the purpose message', async () => {
      expect(await failure(sut.redeem(null, 'passwordReset', '123456', changes))).toEqual({
        code: 'INVALID_CODE',
        message: 'Invalid reset code',
      });
      expect(await failure(sut.redeem(holder(null), 'verification', '123456', changes))).toEqual({
        code: 'INVALID_CODE',
        message: 'Invalid verification code',
      });
    });

    it('2. five wrong attempts already → TOO_MANY_ATTEMPTS, before the expiry and the comparison', async () => {
      const result = await failure(
        sut.redeem(
          holder({ attempts: 5, expiresAt: new Date(0) }),
          'verification',
          '123456',
          changes,
        ),
      );
      expect(result).toEqual({
        code: 'TOO_MANY_ATTEMPTS',
        message: 'Too many attempts, request a new code',
      });
      expect(repository.consumeCode).not.toHaveBeenCalled();
    });

    it('3. expired → CODE_EXPIRED with the purpose message', async () => {
      const expired = holder({ expiresAt: new Date(Date.now() - 1) });
      expect(await failure(sut.redeem(expired, 'verification', '123456', changes))).toEqual({
        code: 'CODE_EXPIRED',
        message: 'Verification code expired. Please request a new code',
      });
    });

    it('4. mismatch counts an attempt: INVALID_CODE, or TOO_MANY_ATTEMPTS at the 5th', async () => {
      repository.countWrongAttempt.mockResolvedValueOnce(4).mockResolvedValueOnce(5);
      expect(
        (await failure(sut.redeem(holder({ attempts: 3 }), 'verification', '654321', changes)))
          .code,
      ).toBe('INVALID_CODE');
      expect(
        (await failure(sut.redeem(holder({ attempts: 4 }), 'verification', '654321', changes)))
          .code,
      ).toBe('TOO_MANY_ATTEMPTS');
      expect(repository.countWrongAttempt).toHaveBeenCalledWith(
        userId,
        'verification',
        hashOf('verification', '123456'),
        5,
      );
    });

    it('5. match consumes the code together with the changes, prepared only then', async () => {
      repository.consumeCode.mockResolvedValue(true);
      const prepare = jest.fn(changes);
      await sut.redeem(holder({}), 'verification', '123456', prepare);
      expect(prepare).toHaveBeenCalledTimes(1);
      const [id, purpose, hash, max, , applied, where] = repository.consumeCode.mock.calls[0];
      expect([id, purpose, hash, max, applied, where]).toEqual([
        userId,
        'verification',
        hashOf('verification', '123456'),
        5,
        { isVerified: true },
        { registrationNonce: null },
      ]);
    });

    it('verifies only the registration attempt the code was sent for', async () => {
      repository.consumeCode.mockResolvedValue(true);
      repository.countWrongAttempt.mockResolvedValue(1);
      const sentFor = { codeHash: hashOf('verification', '123456', 'attempt-1') };
      // The account was registered again since: its nonce changed, the code is void.
      expect(
        await failure(sut.redeem(holder(sentFor, 'attempt-2'), 'verification', '123456', changes)),
      ).toEqual({ code: 'INVALID_CODE', message: 'Invalid verification code' });
      expect(repository.consumeCode).not.toHaveBeenCalled();

      await sut.redeem(holder(sentFor, 'attempt-1'), 'verification', '123456', changes);
      // The consuming update requires the same attempt, so a re-registration racing it loses nothing.
      expect(repository.consumeCode.mock.calls[0][6]).toEqual({ registrationNonce: 'attempt-1' });
    });

    it('a code consumed concurrently is INVALID_CODE', async () => {
      repository.consumeCode.mockResolvedValue(false);
      expect((await failure(sut.redeem(holder({}), 'verification', '123456', changes))).code).toBe(
        'INVALID_CODE',
      );
    });

    it('never prepares the changes for a wrong code', async () => {
      repository.countWrongAttempt.mockResolvedValue(1);
      const prepare = jest.fn(changes);
      await failure(sut.redeem(holder({}), 'verification', '000000', prepare));
      expect(prepare).not.toHaveBeenCalled();
    });
  });

  it('cooldownRemainingSeconds rounds up and is at least 1 while running', () => {
    expect(sut.cooldownRemainingSeconds(null)).toBe(0);
    expect(sut.cooldownRemainingSeconds({ sentAt: new Date(Date.now() - 59_500) })).toBe(1);
    expect(
      sut.cooldownRemainingSeconds({ sentAt: new Date(Date.now() - 30_000) }),
    ).toBeGreaterThanOrEqual(30);
    expect(sut.cooldownRemainingSeconds({ sentAt: new Date(Date.now() - 61_000) })).toBe(0);
  });
});
