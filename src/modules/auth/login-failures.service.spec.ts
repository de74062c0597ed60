import { AppException } from 'src/common/errors/app.exception';
import { loadAppConfig } from 'src/config/app-config';
import { MemoryCounterStore } from 'src/infrastructure/counters/memory-counter-store';
import { LOGIN_FAILURES_MESSAGE, LoginFailures } from 'src/modules/auth/login-failures.service';

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

describe('LoginFailures', () => {
  let counters: MemoryCounterStore;
  let sut: LoginFailures;

  beforeEach(() => {
    counters = new MemoryCounterStore();
    sut = new LoginFailures(counters, config);
  });
  afterEach(() => counters.onModuleDestroy());

  it('refuses once the identifier+IP bucket holds its limit of failures, even the right password', async () => {
    for (let i = 0; i < 3; i += 1)
      expect(await sut.attemptLogin('ada', '1.1.1.1', wrong)).toBe(false);
    const check = jest.fn(right);
    const error = await refusal(sut.attemptLogin('ada', '1.1.1.1', check));
    expect(error).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      message: LOGIN_FAILURES_MESSAGE,
    });
    expect(Number(error.options.headers?.['Retry-After'])).toBe(900);
    expect(check).not.toHaveBeenCalled();
  });

  it('keys the first bucket by identifier and IP', async () => {
    for (let i = 0; i < 3; i += 1) await sut.attemptLogin('ada', '1.1.1.1', wrong);
    expect(await sut.attemptLogin('ada', '2.2.2.2', right)).toBe(true);
    expect(await sut.attemptLogin('grace', '1.1.1.1', right)).toBe(true);
  });

  it('clears the identifier+IP bucket on success', async () => {
    for (let i = 0; i < 2; i += 1) await sut.attemptLogin('ada', '1.1.1.1', wrong);
    await sut.attemptLogin('ada', '1.1.1.1', right);
    expect(await counters.peek('login-failures:i:ada|1.1.1.1')).toEqual({ count: 0, resetInMs: 0 });
  });

  it('caps failures per identifier across IPs, and a reset of the account lifts the cap', async () => {
    for (let i = 0; i < 5; i += 1) await sut.attemptLogin('ada', `10.0.0.${i}`, wrong);
    const error = await refusal(sut.attemptLogin('ada', '10.0.0.99', right));
    expect(Number(error.options.headers?.['Retry-After'])).toBe(86400);
    await sut.clearAccount(['ada', 'ada@example.com']);
    expect(await sut.attemptLogin('ada', '10.0.0.99', right)).toBe(true);
  });

  it('does not count successes against the account cap', async () => {
    for (let i = 0; i < 10; i += 1) await sut.attemptLogin('ada', '1.1.1.1', right);
    expect((await counters.peek('login-failures-account:ada')).count).toBe(0);
  });

  it('counts a concurrent burst before any password is checked', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowWrong = async (): Promise<boolean> => {
      await gate;
      return false;
    };
    const attempts = Array.from({ length: 6 }, () =>
      sut.attemptLogin('ada', '1.1.1.1', slowWrong).catch((e: unknown) => e),
    );
    release();
    const results = await Promise.all(attempts);
    expect(results.filter((r) => r === false)).toHaveLength(3);
    expect(results.filter((r) => r instanceof AppException)).toHaveLength(3);
  });

  it('keys signed-in checks by user id, apart from a login identifier that looks the same', async () => {
    const id = '0123456789abcdef01234567';
    for (let i = 0; i < 3; i += 1)
      expect(await sut.attemptSignedIn(id, '1.1.1.1', wrong)).toBe(false);
    await refusal(sut.attemptSignedIn(id, '1.1.1.1', right));
    expect(await sut.attemptLogin(id, '1.1.1.1', right)).toBe(true);
  });
});
