import { loadAppConfig } from 'src/config/app-config';
import { PasswordHasher } from 'src/modules/users/password-hasher.service';
import * as bcrypt from 'bcrypt';

jest.mock('bcrypt', () => {
  const actual = jest.requireActual<typeof import('bcrypt')>('bcrypt');
  return {
    ...actual,
    compare: jest.fn((data: string, encrypted: string) => actual.compare(data, encrypted)),
    hash: jest.fn((data: string, rounds: number) => actual.hash(data, rounds)),
  };
});

describe('PasswordHasher', () => {
  const sut = new PasswordHasher(loadAppConfig({ NODE_ENV: 'test', BCRYPT_ROUNDS: '4' }));
  const compare = bcrypt.compare as jest.Mock;

  beforeEach(() => compare.mockClear());

  it('hashes with the configured cost', async () => {
    expect(await sut.hash('salsa night 42')).toMatch(/^\$2b\$04\$/);
  });

  it('verifies the right password and refuses a wrong one, one comparison each', async () => {
    const hash = await sut.hash('salsa night 42');
    expect(await sut.verify('salsa night 42', hash)).toBe(true);
    expect(await sut.verify('salsa night 43', hash)).toBe(false);
    expect(compare).toHaveBeenCalledTimes(2);
  });

  it('still compares once, against the dummy hash, when there is no hash', async () => {
    expect(await sut.verify('anything 1', null)).toBe(false);
    expect(compare).toHaveBeenCalledTimes(1);
    expect(compare.mock.calls[0][1]).toMatch(/^\$2b\$04\$/);
  });

  it('refuses a password over 72 bytes even when bcrypt would accept its prefix', async () => {
    const password = `${'a'.repeat(71)}1`;
    const hash = await sut.hash(password);
    expect(await sut.verify(`${password}tail`, hash)).toBe(false);
    expect(compare).toHaveBeenCalledTimes(1);
    expect(compare.mock.calls[0][1]).not.toBe(hash);
  });

  describe('concurrency limit', () => {
    /** Runs `count` operations through a hasher allowing `limit` at once; returns the peak overlap. */
    async function peakOverlap(limit: number, count: number): Promise<number> {
      const hasher = new PasswordHasher(
        loadAppConfig({ NODE_ENV: 'test', BCRYPT_ROUNDS: '4', BCRYPT_CONCURRENCY: String(limit) }),
      );
      const stored = await hasher.hash('salsa night 42');
      let running = 0;
      let peak = 0;
      compare.mockImplementation(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 15));
        running -= 1;
        return true;
      });
      try {
        const answers = await Promise.all(
          Array.from({ length: count }, (_, i) =>
            // Known and unknown accounts share the queue.
            hasher.verify('salsa night 42', i % 2 === 0 ? stored : null),
          ),
        );
        expect(answers).toEqual(Array.from({ length: count }, (_, i) => i % 2 === 0));
      } finally {
        compare.mockImplementation((data: string, encrypted: string) =>
          jest.requireActual<typeof import('bcrypt')>('bcrypt').compare(data, encrypted),
        );
      }
      return peak;
    }

    it('runs at most BCRYPT_CONCURRENCY comparisons at once, whatever arrives', async () => {
      expect(await peakOverlap(1, 6)).toBe(1);
      expect(await peakOverlap(3, 9)).toBe(3);
    });

    it('defaults to one fewer than the cores, at least one', () => {
      const { availableParallelism } = jest.requireActual<typeof import('node:os')>('node:os');
      expect(loadAppConfig({ NODE_ENV: 'test' }).auth.bcryptConcurrency).toBe(
        Math.max(1, availableParallelism() - 1),
      );
    });
  });
});
