import { Types } from 'mongoose';
import { AppException } from 'src/common/errors/app.exception';
import type { IdempotencyKeysRepository } from 'src/common/idempotency/idempotency-keys.repository';
import { IdempotencyService } from 'src/common/idempotency/idempotency.service';

const USER = new Types.ObjectId().toHexString();
const KEY = 'key-1';
const FINGERPRINT = 'a'.repeat(64);
const RESPONSE = { status: 201, message: null, data: '{"_id":"x"}' };

function record(overrides: Partial<Record<string, unknown>> = {}) {
  return {
    _id: new Types.ObjectId(),
    fingerprint: FINGERPRINT,
    state: 'done' as const,
    response: RESPONSE,
    expiresAt: new Date(Date.now() + 60_000),
    ...overrides,
  };
}

describe('IdempotencyService', () => {
  let repo: jest.Mocked<
    Pick<
      IdempotencyKeysRepository,
      'insertPending' | 'findByKey' | 'deleteExpired' | 'complete' | 'release'
    >
  >;
  let sut: IdempotencyService;

  beforeEach(() => {
    repo = {
      insertPending: jest.fn(),
      findByKey: jest.fn(),
      deleteExpired: jest.fn().mockResolvedValue(undefined),
      complete: jest.fn().mockResolvedValue(true),
      release: jest.fn().mockResolvedValue(undefined),
    };
    sut = new IdempotencyService(repo as unknown as IdempotencyKeysRepository);
  });

  it('claims a new key with a pending lease of 5 minutes, reading nothing', async () => {
    repo.insertPending.mockResolvedValue('claim-1');
    const before = Date.now();
    const claim = await sut.claim(USER, KEY, FINGERPRINT);
    expect(claim).toMatchObject({ kind: 'claimed', id: 'claim-1' });
    const [, , , expiresAt] = repo.insertPending.mock.calls[0];
    expect(expiresAt.getTime() - before).toBeGreaterThanOrEqual(5 * 60_000);
    expect(expiresAt.getTime() - before).toBeLessThan(5 * 60_000 + 1000);
    expect(repo.findByKey).not.toHaveBeenCalled();
  });

  it('replays a completed key of the same request', async () => {
    repo.insertPending.mockResolvedValue(null);
    repo.findByKey.mockResolvedValue(record());
    await expect(sut.claim(USER, KEY, FINGERPRINT)).resolves.toEqual({
      kind: 'replay',
      response: RESPONSE,
    });
  });

  it('refuses a different request with 422, whatever the state of the key', async () => {
    for (const state of ['done', 'pending'] as const) {
      repo.insertPending.mockResolvedValue(null);
      repo.findByKey.mockResolvedValue(record({ state, fingerprint: 'b'.repeat(64) }));
      await expect(sut.claim(USER, KEY, FINGERPRINT)).rejects.toMatchObject({
        status: 422,
        code: 'IDEMPOTENCY_KEY_REUSED',
      });
    }
  });

  it('answers 409 with Retry-After while the same request is pending', async () => {
    repo.insertPending.mockResolvedValue(null);
    repo.findByKey.mockResolvedValue(record({ state: 'pending', response: null }));
    const error = await sut.claim(USER, KEY, FINGERPRINT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppException);
    expect(error).toMatchObject({
      status: 409,
      code: 'IDEMPOTENCY_KEY_IN_PROGRESS',
      options: { headers: { 'Retry-After': '1' } },
    });
  });

  it('removes an expired record and claims the key again', async () => {
    const expired = record({ expiresAt: new Date(Date.now() - 1), fingerprint: 'other' });
    repo.insertPending.mockResolvedValueOnce(null).mockResolvedValueOnce('claim-2');
    repo.findByKey.mockResolvedValue(expired);
    await expect(sut.claim(USER, KEY, FINGERPRINT)).resolves.toMatchObject({
      kind: 'claimed',
      id: 'claim-2',
    });
    expect(repo.deleteExpired).toHaveBeenCalledWith(expired._id, expect.any(Date));
  });

  it('claims again when the record was released between the insert and the read', async () => {
    repo.insertPending.mockResolvedValueOnce(null).mockResolvedValueOnce('claim-3');
    repo.findByKey.mockResolvedValue(null);
    await expect(sut.claim(USER, KEY, FINGERPRINT)).resolves.toMatchObject({ id: 'claim-3' });
  });

  it('gives up with 409 when the key keeps changing hands', async () => {
    repo.insertPending.mockResolvedValue(null);
    repo.findByKey.mockResolvedValue(null);
    await expect(sut.claim(USER, KEY, FINGERPRINT)).rejects.toMatchObject({ status: 409 });
    expect(repo.insertPending).toHaveBeenCalledTimes(2);
  });

  it('keeps a success for 24 h from the claim, and releases a failure', async () => {
    const claimedAt = new Date('2026-05-01T10:00:00.000Z');
    const claim = { kind: 'claimed' as const, id: 'claim-4', claimedAt };
    await sut.complete(claim, RESPONSE);
    expect(repo.complete).toHaveBeenCalledWith(
      'claim-4',
      RESPONSE,
      new Date('2026-05-02T10:00:00.000Z'),
    );
    await sut.release(claim);
    expect(repo.release).toHaveBeenCalledWith('claim-4');
  });
});
