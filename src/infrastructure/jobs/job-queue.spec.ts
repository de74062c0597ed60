import { AsyncLocalStorage } from 'node:async_hooks';
import type { AppConfig } from 'src/config/app-config';
import {
  InProcessJobQueue,
  type JobOutcome,
  type JobQueueReporter,
} from 'src/infrastructure/jobs/job-queue';
import type { DatabaseSupervisorService } from 'src/infrastructure/database/database-supervisor.service';
import { PendingAdds } from 'src/infrastructure/jobs/bull-job-queue';
import { jsonPayloadProblem } from 'src/infrastructure/jobs/job-payload';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import { MetricsService } from 'src/infrastructure/metrics/metrics.service';

const FAST = { concurrency: 2, attempts: 3, backoffMs: 5 };

function recordingReporter() {
  const outcomes: JobOutcome[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  const reporter: JobQueueReporter = {
    outcome: (_queue, outcome) => outcomes.push(outcome),
    waiting: () => undefined,
    warn: (message) => warnings.push(message),
    error: (message) => errors.push(message),
  };
  return { reporter, outcomes, warnings, errors };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe('InProcessJobQueue', () => {
  it('returns at once and runs the jobs later, in order, never more than `concurrency` at a time', async () => {
    const { reporter, outcomes } = recordingReporter();
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const sut = new InProcessJobQueue<number>(
      'test',
      async (n) => {
        started.push(n);
        running += 1;
        most = Math.max(most, running);
        await tick(5);
        running -= 1;
      },
      FAST,
      reporter,
    );
    for (let n = 0; n < 7; n++) sut.enqueue(n);
    expect(started).toEqual([]);
    await sut.idle();
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(most).toBe(2);
    expect(outcomes).toEqual(Array(7).fill('completed'));
  });

  it('retries a job that throws, with a growing backoff, and counts each outcome', async () => {
    const { reporter, outcomes, warnings } = recordingReporter();
    const runs: { attempt: number; at: number }[] = [];
    const sut = new InProcessJobQueue<string>(
      'test',
      (_payload, job) => {
        runs.push({ attempt: job.attempt, at: Date.now() });
        return job.attempt < 3 ? Promise.reject(new Error('flaky')) : Promise.resolve();
      },
      { concurrency: 1, attempts: 3, backoffMs: 20 },
      reporter,
    );
    const id = sut.enqueue('payload');
    await sut.idle();
    expect(runs.map((run) => run.attempt)).toEqual([1, 2, 3]);
    expect(runs[1].at - runs[0].at).toBeGreaterThanOrEqual(18);
    expect(runs[2].at - runs[1].at).toBeGreaterThanOrEqual(38);
    expect(outcomes).toEqual(['retried', 'retried', 'completed']);
    expect(warnings[0]).toContain(`Job ${id} on queue test failed (attempt 1 of 3)`);
  });

  it('gives up after the last attempt: counted as failed, logged with the job id and payload', async () => {
    const { reporter, outcomes, errors } = recordingReporter();
    let runs = 0;
    const sut = new InProcessJobQueue<{ videoId: string }>(
      'test',
      () => {
        runs += 1;
        return Promise.reject(new Error('database says no'));
      },
      FAST,
      reporter,
    );
    const id = sut.enqueue({ videoId: 'v1' });
    await sut.idle();
    expect(runs).toBe(3);
    expect(outcomes).toEqual(['retried', 'retried', 'failed']);
    expect(errors).toEqual([
      `Job ${id} on queue test failed after 3 attempt(s): database says no ({"videoId":"v1"})`,
    ]);
  });

  it('runs the jobs of one key one at a time and in order, through a retry, beside other keys', async () => {
    const { reporter } = recordingReporter();
    const log: string[] = [];
    let failedOnce = false;
    const sut = new InProcessJobQueue<{ key: string; step: string }>(
      'test',
      async ({ key, step }) => {
        log.push(`start ${key}${step}`);
        await tick(3);
        if (key === 'a' && step === '1' && !failedOnce) {
          failedOnce = true;
          throw new Error('once');
        }
        log.push(`end ${key}${step}`);
      },
      { concurrency: 3, attempts: 2, backoffMs: 10 },
      reporter,
    );
    sut.enqueue({ key: 'a', step: '1' }, { key: 'a' });
    sut.enqueue({ key: 'a', step: '2' }, { key: 'a' });
    sut.enqueue({ key: 'b', step: '1' }, { key: 'b' });
    await sut.idle();
    const a = log.filter((line) => line.includes(' a'));
    // a1 fails, waits for its retry holding the key; a2 only starts after a1 succeeded.
    expect(a).toEqual(['start a1', 'start a1', 'end a1', 'start a2', 'end a2']);
    // b ran beside a, not behind it.
    expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('end a1'));
  });

  it('runs each job in the async context of the code that enqueued it', async () => {
    const { reporter } = recordingReporter();
    const storage = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    const sut = new InProcessJobQueue<null>(
      'test',
      () => {
        seen.push(storage.getStore());
        return Promise.resolve();
      },
      { concurrency: 1, attempts: 1, backoffMs: 0 },
      reporter,
    );
    storage.run('request-1', () => sut.enqueue(null));
    storage.run('request-2', () => sut.enqueue(null));
    sut.enqueue(null);
    await sut.idle();
    expect(seen).toEqual(['request-1', 'request-2', undefined]);
  });

  it('on close drops and counts what waits, lets the running job finish, and drops later jobs', async () => {
    const { reporter, outcomes, warnings } = recordingReporter();
    let finished = 0;
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (started = resolve));
    const sut = new InProcessJobQueue<number>(
      'test',
      async () => {
        started();
        await tick(20);
        finished += 1;
      },
      { concurrency: 1, attempts: 1, backoffMs: 0 },
      reporter,
    );
    for (let n = 0; n < 3; n++) sut.enqueue(n);
    await running;
    await sut.close(5000);
    expect(finished).toBe(1);
    sut.enqueue(9);
    expect(outcomes.sort()).toEqual(['completed', 'dropped', 'dropped', 'dropped']);
    expect(warnings[0]).toBe('Queue test closed: 2 waiting job(s) dropped');
    await expect(sut.idle()).resolves.toBeUndefined();
  });
});

describe('JobQueues', () => {
  it('counts every outcome in /metrics as dancely_jobs_total{queue,outcome}', async () => {
    const config = {
      metrics: { enabled: false, port: null },
      throttleRedisUrl: undefined,
      jobs: { prefix: 'unused' },
    } as AppConfig;
    const metrics = new MetricsService(config);
    const sut = new JobQueues(metrics, config, {} as DatabaseSupervisorService);
    expect(sut.backend).toBe('memory');
    const queue = sut.create<boolean>(
      'probe',
      (fails) => (fails ? Promise.reject(new Error('boom')) : Promise.resolve()),
      { attempts: 2, backoffMs: 1 },
    );
    queue.enqueue(false);
    queue.enqueue(true);
    await sut.idle();
    const text = await metrics.render();
    expect(text).toContain('dancely_jobs_total{queue="probe",outcome="completed"} 1');
    expect(text).toContain('dancely_jobs_total{queue="probe",outcome="retried"} 1');
    expect(text).toContain('dancely_jobs_total{queue="probe",outcome="failed"} 1');
    expect(text).toContain('dancely_jobs_waiting{queue="probe"} 0');
    expect(() => sut.create('probe', () => Promise.resolve())).toThrow('exists already');

    // Shutdown: first a grace for what the queues hold, then, last of all, they close.
    queue.enqueue(false);
    await sut.beforeApplicationShutdown();
    await sut.onApplicationShutdown();
    queue.enqueue(false);
    const closed = await metrics.render();
    expect(closed).toContain('dancely_jobs_total{queue="probe",outcome="completed"} 2');
    expect(closed).toContain('dancely_jobs_total{queue="probe",outcome="dropped"} 1');
  });
});

describe('job payloads', () => {
  it('are plain JSON: a Date, an ObjectId-like instance, a function or NaN is named by its path', () => {
    class ObjectId {
      constructor(readonly id: string) {}
    }
    expect(jsonPayloadProblem({ a: [1, 'x', null, true], b: { c: 'd' }, gone: undefined })).toBe(
      null,
    );
    expect(jsonPayloadProblem({ video: { createdAt: new Date(0) } })).toBe(
      '$.video.createdAt: a Date',
    );
    expect(jsonPayloadProblem({ ids: ['a', new ObjectId('b')] })).toBe('$.ids[1]: a ObjectId');
    expect(jsonPayloadProblem({ run: () => undefined })).toBe('$.run: a function');
    expect(jsonPayloadProblem({ n: Number.NaN })).toBe('$.n: NaN is not a JSON number');
    expect(jsonPayloadProblem(undefined)).toBe('$: a undefined');
  });

  it('that are not plain JSON are refused by the in-process queue too: logged and dropped', async () => {
    const { reporter, outcomes, errors } = recordingReporter();
    let runs = 0;
    const sut = new InProcessJobQueue<{ at: Date }>(
      'test',
      () => {
        runs += 1;
        return Promise.resolve();
      },
      FAST,
      reporter,
    );
    const id = sut.enqueue({ at: new Date(0) });
    await sut.idle();
    expect(runs).toBe(0);
    expect(outcomes).toEqual(['dropped']);
    expect(errors).toEqual([
      `Job ${id} on queue test dropped: the payload is not plain JSON ($.at: a Date)`,
    ]);
  });
});

describe('PendingAdds (enqueues on their way to Redis)', () => {
  it('counts them, tells when none is left, and moves `settled` on with each that lands or fails', async () => {
    const sut = new PendingAdds();
    await expect(sut.drained()).resolves.toBeUndefined();
    let land: () => void = () => undefined;
    let fail: (error: Error) => void = () => undefined;
    sut.track(new Promise<void>((resolve) => (land = resolve)));
    sut.track(new Promise<void>((_resolve, reject) => (fail = reject)).catch(() => undefined));
    expect(sut.count).toBe(2);
    let drained = false;
    void sut.drained().then(() => (drained = true));
    land();
    await tick();
    expect([sut.count, sut.settled, drained]).toEqual([1, 1, false]);
    fail(new Error('Redis is gone'));
    await tick();
    expect([sut.count, sut.settled, drained]).toEqual([0, 2, true]);
  });
});
