import { readdirSync, readFileSync } from 'node:fs';
import { loadAppConfig } from 'src/config/app-config';
import {
  HASHING_NICE_INCREMENT,
  PasswordHasherService,
} from 'src/modules/users/password-hasher.service';

/** The nice value of every thread of this process (Linux: `/proc/self/task/<tid>/stat`, field 19). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map(niceOf);
}

/** The main thread's task id is the process id (directory order says nothing once ids wrap). */
function mainThreadNice(): number {
  return niceOf(String(process.pid));
}

function niceOf(tid: string): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** A started hasher: its dummy hash is already asked for, so it is not counted in a test. */
function hasherWith(env: Record<string, string> = {}): PasswordHasherService {
  const hasher = new PasswordHasherService(
    loadAppConfig({ NODE_ENV: 'test', BCRYPT_ROUNDS: '4', ...env }),
  );
  hasher.onModuleInit();
  return hasher;
}

describe('PasswordHasherService', () => {
  let sut: PasswordHasherService;

  beforeAll(() => {
    sut = hasherWith({ BCRYPT_CONCURRENCY: '2' });
  });
  afterAll(() => sut.onApplicationShutdown());

  it('hashes with the configured cost', async () => {
    expect(await sut.hash('salsa night 42')).toMatch(/^\$2b\$04\$/);
  });

  it('verifies the right password and refuses a wrong one, one bcrypt operation each', async () => {
    const hash = await sut.hash('salsa night 42');
    const before = sut.stats.submitted;
    expect(await sut.verify('salsa night 42', hash)).toBe(true);
    expect(await sut.verify('salsa night 43', hash)).toBe(false);
    expect(sut.stats.submitted - before).toBe(2);
  });

  it('still compares once, against the dummy hash, when there is no hash', async () => {
    const before = sut.stats.submitted;
    expect(await sut.verify('anything 1', null)).toBe(false);
    expect(sut.stats.submitted - before).toBe(1);
  });

  it('refuses a password over 72 bytes even when bcrypt would accept its prefix', async () => {
    const password = `${'a'.repeat(71)}1`;
    const hash = await sut.hash(password);
    const before = sut.stats.submitted;
    expect(await sut.verify(`${password}tail`, hash)).toBe(false);
    expect(sut.stats.submitted - before).toBe(1);
  });

  it('answers every one of many concurrent checks correctly', async () => {
    const hash = await sut.hash('salsa night 42');
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        sut.verify(i % 3 === 0 ? 'wrong 1' : 'salsa night 42', i % 2 === 0 ? hash : null),
      ),
    );
    expect(answers).toEqual(Array.from({ length: 12 }, (_, i) => i % 3 !== 0 && i % 2 === 0));
  });

  describe('threads', () => {
    it('runs BCRYPT_CONCURRENCY hashing threads, each below the event loop’s priority', async () => {
      const hasher = hasherWith({ BCRYPT_CONCURRENCY: '3' });
      try {
        await Promise.all(Array.from({ length: 6 }, () => hasher.hash('salsa night 42')));
        expect(hasher.stats.threads).toBe(3);
        // Each thread lowers its own priority as it starts; a thread the pool has not handed a
        // task yet may still be starting, so allow it a moment.
        const lowered = (): number =>
          threadNiceValues().filter((nice) => nice === HASHING_NICE_INCREMENT).length;
        const deadline = Date.now() + 5_000;
        while (lowered() < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        // Two from `sut`, three from this one; nothing else in the process is lowered.
        expect(lowered()).toBe(5);
        expect(mainThreadNice()).toBe(0);
      } finally {
        await hasher.onApplicationShutdown();
      }
    });

    it('lets every queued and running operation finish at shutdown before the threads stop', async () => {
      const hasher = hasherWith({ BCRYPT_CONCURRENCY: '2', BCRYPT_ROUNDS: '9' });
      const hash = await hasher.hash('salsa night 42');
      const checks = Array.from({ length: 8 }, (_, i) =>
        hasher.verify(i % 2 === 0 ? 'salsa night 42' : 'wrong 1', hash),
      );
      await hasher.onApplicationShutdown();
      expect(await Promise.all(checks)).toEqual(checks.map((_, i) => i % 2 === 0));
      expect(hasher.stats.threads).toBe(0);
    });

    it('defaults to one thread per core', () => {
      const { availableParallelism } = jest.requireActual<typeof import('node:os')>('node:os');
      expect(loadAppConfig({ NODE_ENV: 'test' }).auth.bcryptConcurrency).toBe(
        availableParallelism(),
      );
    });
  });
});
