import { AppException } from 'src/common/errors/app.exception';
import { loadAppConfig } from 'src/config/app-config';
import { MemoryCounterStore } from 'src/infrastructure/counters/memory-counter-store';
import { LoginFailuresService } from 'src/common/rate-limit/login-failures.service';

const config = loadAppConfig({
  NODE_ENV: 'test',
  RATE_LIMIT_LOGIN_FAILURES: '3',
  RATE_LIMIT_LOGIN_FAILURES_WINDOW_SECONDS: '900',
  RATE_LIMIT_LOGIN_FAILURES_ACCOUNT: '5',
  RATE_LIMIT_LOGIN_FAILURES_ACCOUNT_WINDOW_SECONDS: '86400',
});

const wrong = (): Promise<boolean> => Promise.resolve(false);
const right = (): Promise<boolean> => Promise.resolve(true);

async function refusal(promise: Promise<unknown>): Promise<AppException> {
  const error = await promise.catch((e: unknown) => e);
  if (!(error instanceof AppException)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

const ADA = { accountId: '0123456789abcdef01234567', identifier: 'ada' };
const ADA_BY_EMAIL = { ...ADA, identifier: 'ada@example.com' };
const GHOST = { accountId: null, identifier: 'ghost' };

describe('LoginFailuresService', () => {
  let counters: MemoryCounterStore;
  let sut: LoginFailuresService;

  beforeEach(() => {
    counters = new MemoryCounterStore();
    sut = new LoginFailuresService(counters, config);
  });
  afterEach(() => counters.onApplicationShutdown());

  const accountCount = async (accountId: string): Promise<number> =>
    (await counters.peek(`login-failures-account:u:${accountId}`)).count;

  it('refuses once the account+IP bucket holds its limit of failures, even the right password', async () => {
    for (let i = 0; i < 3; i += 1)
      expect(await sut.attemptLogin(ADA, '1.1.1.1', wrong)).toBe(false);
    const check = jest.fn(right);
    const error = await refusal(sut.attemptLogin(ADA, '1.1.1.1', check));
    expect(error).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      message: 'Too many login attempts, please try again later',
    });
    expect(Number(error.options.headers?.['Retry-After'])).toBe(900);
    expect(check).not.toHaveBeenCalled();
  });

  it('keys the first bucket by account and IP', async () => {
    for (let i = 0; i < 3; i += 1) await sut.attemptLogin(ADA, '1.1.1.1', wrong);
    expect(await sut.attemptLogin(ADA, '2.2.2.2', right)).toBe(true);
    expect(await sut.attemptLogin(GHOST, '1.1.1.1', right)).toBe(true);
  });

  it("shares the daily cap between an account's email and username, not the per-IP bucket", async () => {
    await sut.attemptLogin(ADA, '1.1.1.1', wrong);
    await sut.attemptLogin(ADA, '1.1.1.1', wrong);
    await sut.attemptLogin(ADA, '1.1.1.1', wrong);
    await refusal(sut.attemptLogin(ADA, '1.1.1.1', right));
    // The per-IP bucket is the typed identifier's: the email still gets its own tries there.
    expect(await sut.attemptLogin(ADA_BY_EMAIL, '1.1.1.1', wrong)).toBe(false);

    expect(await sut.attemptLogin(ADA_BY_EMAIL, '10.0.0.2', wrong)).toBe(false);
    // 3 + 2 failures, by either identifier, against an account cap of 5: both are refused now.
    await refusal(sut.attemptLogin(ADA, '10.0.2.1', right));
    await refusal(sut.attemptLogin(ADA_BY_EMAIL, '10.0.2.2', right));
  });

  it('keys an identifier that names no account by the identifier', async () => {
    for (let i = 0; i < 5; i += 1) await sut.attemptLogin(GHOST, `10.0.0.${i}`, wrong);
    await refusal(sut.attemptLogin(GHOST, '10.0.0.99', wrong));
    expect(
      await sut.attemptLogin({ accountId: null, identifier: 'other' }, '10.0.0.99', wrong),
    ).toBe(false);
  });

  it('clears the account+IP bucket on success', async () => {
    for (let i = 0; i < 2; i += 1) await sut.attemptLogin(ADA, '1.1.1.1', wrong);
    await sut.attemptLogin(ADA, '1.1.1.1', right);
    expect(await counters.peek(`login-failures:i:${ADA.identifier}|1.1.1.1`)).toEqual({
      count: 0,
      resetInMs: 0,
    });
  });

  it('caps failures per account across IPs, and a reset of the account lifts the cap', async () => {
    for (let i = 0; i < 5; i += 1) await sut.attemptLogin(ADA, `10.0.0.${i}`, wrong);
    const check = jest.fn(right);
    const error = await refusal(sut.attemptLogin(ADA, '10.0.0.99', check));
    expect(Number(error.options.headers?.['Retry-After'])).toBe(86400);
    expect(check).not.toHaveBeenCalled();
    await sut.clearAccount(ADA.accountId);
    expect(await sut.attemptLogin(ADA, '10.0.0.99', right)).toBe(true);
  });

  it('gives the reservation of a correct password back to the account cap', async () => {
    for (let i = 0; i < 10; i += 1) await sut.attemptLogin(ADA, '1.1.1.1', right);
    expect(await accountCount(ADA.accountId)).toBe(0);
    await sut.attemptLogin(ADA, '1.1.1.1', wrong);
    await sut.attemptLogin(ADA, '1.1.1.1', wrong);
    await sut.attemptLogin(ADA, '1.1.1.1', right);
    expect(await accountCount(ADA.accountId)).toBe(2);
  });

  it('does not spend the account+IP bucket on an attempt the account cap refused', async () => {
    for (let i = 0; i < 5; i += 1) await sut.attemptLogin(ADA, `10.0.0.${i}`, wrong);
    for (let i = 0; i < 4; i += 1) await refusal(sut.attemptLogin(ADA, '1.1.1.1', right));
    expect((await counters.peek(`login-failures:u:${ADA.accountId}|1.1.1.1`)).count).toBe(0);
  });

  const gated = (): { check: jest.Mock<Promise<boolean>>; release: () => void } => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const check = jest.fn(async (): Promise<boolean> => {
      await gate;
      return false;
    });
    return { check, release };
  };

  it('counts a concurrent burst from one IP before any password is checked', async () => {
    const { check, release } = gated();
    const attempts = Array.from({ length: 6 }, () =>
      sut.attemptLogin(ADA, '1.1.1.1', check).catch((e: unknown) => e),
    );
    release();
    const results = await Promise.all(attempts);
    expect(results.filter((r) => r === false)).toHaveLength(3);
    expect(results.filter((r) => r instanceof AppException)).toHaveLength(3);
    expect(check).toHaveBeenCalledTimes(3);
  });

  it('never runs more password checks than the account cap for a concurrent burst from many IPs', async () => {
    const { check, release } = gated();
    const attempts = Array.from({ length: 12 }, (_, i) =>
      sut.attemptLogin(i % 2 ? ADA : ADA_BY_EMAIL, `10.1.0.${i}`, check).catch((e: unknown) => e),
    );
    release();
    const results = await Promise.all(attempts);
    expect(check).toHaveBeenCalledTimes(5);
    expect(results.filter((r) => r === false)).toHaveLength(5);
    expect(results.filter((r) => r instanceof AppException)).toHaveLength(7);
  });

  it('keys signed-in checks by user id, apart from the typed identifiers of logins', async () => {
    for (let i = 0; i < 3; i += 1)
      expect(await sut.attemptSignedIn(ADA.accountId, '1.1.1.1', wrong)).toBe(false);
    await refusal(sut.attemptSignedIn(ADA.accountId, '1.1.1.1', right));
    expect(await sut.attemptLogin(ADA, '1.1.1.1', right)).toBe(true);
    // An unknown identifier that looks like that id is another bucket.
    expect(
      await sut.attemptLogin({ accountId: null, identifier: ADA.accountId }, '1.1.1.1', right),
    ).toBe(true);
  });
});
