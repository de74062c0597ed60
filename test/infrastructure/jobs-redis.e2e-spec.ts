import { randomBytes } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import request from 'supertest';
import { currentRequestId, requestContext } from 'src/common/http/request-context';
import type { JobContext, JobQueue } from 'src/infrastructure/jobs/job-queue';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import { KeyOrder } from 'src/infrastructure/jobs/key-order';
import { parseMetrics, sampleValue } from 'test/utils/prometheus';
import { startRedis, type TestRedis } from 'test/utils/redis-server';
import { createTestApp, type TestApp } from 'test/utils/test-app';

interface ProbePayload {
  n: number;
  key?: string;
  /** Throw on the first `failTimes` runs. */
  failTimes?: number;
}

interface Run {
  app: string;
  n: number;
  key?: string;
  attempt: number;
  requestId: string | undefined;
  at: number;
}

/** What the probe handler of every app in this file does; each test sets it. */
const probe: {
  handle: (app: string, payload: ProbePayload, job: JobContext) => Promise<void>;
} = { handle: () => Promise.resolve() };

/** The label of the next app's probe queue (its worker may start before the app is returned). */
let nextLabel = '?';

/** A `probe` queue in each app, with a quick backoff. */
@Injectable()
class ProbeJobs {
  readonly label = nextLabel;
  readonly queue: JobQueue<ProbePayload>;

  constructor(jobs: JobQueues) {
    this.queue = jobs.create<ProbePayload>(
      'probe',
      (payload, job) => probe.handle(this.label, payload, job),
      { concurrency: 2, attempts: 3, backoffMs: 50 },
    );
  }
}

@Module({ providers: [ProbeJobs] })
class ProbeJobsModule {}

/** Polls `check` until it is true or `ms` have passed (then fails with `what`). */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The BullMQ backend of the job queues (THROTTLE_REDIS_URL set): jobs survive a restart and are
 * shared between instances, retries and failures are counted in /metrics, and the jobs of one
 * key run one at a time in enqueue order across instances (docs/architecture.md, "Background jobs").
 */
describe('job queues on Redis (BullMQ)', () => {
  let redis: TestRedis;
  let client: Redis;
  const apps: TestApp[] = [];

  /** An app with the probe queue on the shared Redis, under `prefix` (shared with its twin). */
  async function startApp(label: string, prefix: string): Promise<TestApp> {
    nextLabel = label;
    const t = await createTestApp(
      { THROTTLE_REDIS_URL: redis.url, JOBS_PREFIX: prefix, DB_MONITOR_COMMANDS: 'false' },
      { imports: [ProbeJobsModule] },
    );
    apps.push(t);
    return t;
  }

  async function close(t: TestApp): Promise<void> {
    apps.splice(apps.indexOf(t), 1);
    await t.close();
  }

  const newPrefix = () => `jobs-e2e:${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    probe.handle = () => Promise.resolve();
    await Promise.all(apps.splice(0).map((t) => t.close()));
  });
  afterAll(async () => {
    await client?.quit();
    await redis?.stop();
  });

  it('uses BullMQ when THROTTLE_REDIS_URL is set', async () => {
    const t = await startApp('a', newPrefix());
    expect(t.app.get(JobQueues).backend).toBe('redis');
  });

  it('keeps the jobs that have not run when an instance stops: the next one runs them, with their request id', async () => {
    const prefix = newPrefix();
    const runs: Run[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    probe.handle = async (app, payload, job) => {
      runs.push({ app, n: payload.n, attempt: job.attempt, requestId: currentRequestId(), at: 0 });
      if (app === 'a') await gate;
    };
    const a = await startApp('a', prefix);
    const queue = a.app.get(ProbeJobs).queue;
    requestContext.run({ requestId: 'req-durable' }, () => {
      for (let n = 1; n <= 5; n++) queue.enqueue({ n });
    });
    // Instance a holds two jobs (its concurrency), blocked; three wait in Redis.
    await until(() => runs.length === 2, 'instance a to start two jobs');

    // Shutdown stops the worker first; then the running jobs may finish (within the grace).
    const paused = jest.spyOn(Worker.prototype, 'pause');
    const closing = close(a);
    await until(() => paused.mock.calls.length > 0, 'the worker to stop taking jobs');
    await paused.mock.results[0].value;
    release();
    await closing;
    expect(runs.map((run) => run.n).sort()).toEqual([1, 2]);

    const b = await startApp('b', prefix);
    await b.app.get(JobQueues).idle();
    const onB = runs.filter((run) => run.app === 'b');
    expect(onB.map((run) => run.n).sort()).toEqual([3, 4, 5]);
    expect(onB.every((run) => run.requestId === 'req-durable')).toBe(true);
    // The completed jobs of a were not run again.
    expect(runs).toHaveLength(5);
  });

  it('retries with a growing backoff, then counts the failure in /metrics and keeps the failed job', async () => {
    const prefix = newPrefix();
    const runs: Run[] = [];
    probe.handle = (app, payload, job) => {
      runs.push({ app, n: payload.n, attempt: job.attempt, requestId: undefined, at: Date.now() });
      return job.attempt <= (payload.failTimes ?? 0)
        ? Promise.reject(new Error('database says no'))
        : Promise.resolve();
    };
    const t = await startApp('a', prefix);
    const queue = t.app.get(ProbeJobs).queue;
    queue.enqueue({ n: 1, failTimes: 1 });
    queue.enqueue({ n: 2, failTimes: 99 });
    await t.app.get(JobQueues).idle();

    expect(runs.filter((run) => run.n === 1).map((run) => run.attempt)).toEqual([1, 2]);
    const failing = runs.filter((run) => run.n === 2);
    expect(failing.map((run) => run.attempt)).toEqual([1, 2, 3]);
    // Exponential backoff from 50 ms: at least 50 ms, then at least 100 ms between the runs.
    expect(failing[1].at - failing[0].at).toBeGreaterThanOrEqual(45);
    expect(failing[2].at - failing[1].at).toBeGreaterThanOrEqual(95);

    const samples = parseMetrics((await request(t.app.getHttpServer()).get('/metrics')).text);
    const total = (outcome: string) =>
      sampleValue(samples, 'dancely_jobs_total', { queue: 'probe', outcome });
    expect(total('completed')).toBe(1);
    expect(total('retried')).toBe(3);
    expect(total('failed')).toBe(1);
    expect(sampleValue(samples, 'dancely_jobs_waiting', { queue: 'probe' })).toBe(0);
    // Failed jobs stay in Redis for inspection (bounded by KEEP_FAILED); completed ones too.
    expect(await client.zcard(`${prefix}:probe:failed`)).toBe(1);
    expect(await client.zcard(`${prefix}:probe:completed`)).toBe(1);
  });

  it('runs the jobs of one key one at a time, in enqueue order, across two instances, through a retry', async () => {
    const prefix = newPrefix();
    const runs: Run[] = [];
    const runningByKey = new Map<string, number>();
    const overlaps: string[] = [];
    const seen = new Set<string>();
    probe.handle = async (app, payload, job) => {
      const key = payload.key ?? '';
      seen.add(app);
      if ((runningByKey.get(key) ?? 0) > 0) overlaps.push(`${key}#${payload.n}`);
      runningByKey.set(key, (runningByKey.get(key) ?? 0) + 1);
      try {
        // Both instances take part: the first jobs wait until each one has started a job.
        await until(() => seen.size === 2, 'both instances to run a job');
        await new Promise((resolve) => setTimeout(resolve, payload.n % 3));
        if (job.attempt <= (payload.failTimes ?? 0)) throw new Error('once');
        runs.push({ app, n: payload.n, key, attempt: job.attempt, requestId: undefined, at: 0 });
      } finally {
        runningByKey.set(key, (runningByKey.get(key) ?? 0) - 1);
      }
    };
    const a = await startApp('a', prefix);
    await startApp('b', prefix);
    const queue = a.app.get(ProbeJobs).queue;
    const keys = ['k1', 'k2', 'k3'];
    for (let n = 0; n < 24; n++) {
      const key = keys[n % keys.length];
      queue.enqueue({ n, key, failTimes: n === 3 ? 1 : 0 }, { key });
    }
    await a.app.get(JobQueues).idle();

    expect(overlaps).toEqual([]);
    for (const key of keys) {
      const order = runs.filter((run) => run.key === key).map((run) => run.n);
      expect(order).toEqual([...order].sort((x, y) => x - y));
      expect(order).toHaveLength(8);
    }
    expect(new Set(runs.map((run) => run.app))).toEqual(new Set(['a', 'b']));
    // The chains are gone once their jobs have finished: Redis holds no ordering state.
    expect(await client.keys(`${prefix}:probe:~order:*`)).toEqual([]);
  });

  it('refuses a payload that is not plain JSON: logged and counted as dropped', async () => {
    const t = await startApp('a', newPrefix());
    const queue = t.app.get(ProbeJobs).queue as unknown as JobQueue<unknown>;
    queue.enqueue({ n: 1, at: new Date() });
    await t.app.get(JobQueues).idle();
    const samples = parseMetrics((await request(t.app.getHttpServer()).get('/metrics')).text);
    expect(sampleValue(samples, 'dancely_jobs_total', { queue: 'probe', outcome: 'dropped' })).toBe(
      1,
    );
  });
});

/** The per-key chains of the Redis queues (src/infrastructure/jobs/key-order.ts), on their own. */
describe('KeyOrder', () => {
  let redis: TestRedis;
  let client: Redis;
  let sut: KeyOrder;

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    sut = new KeyOrder(client, 'order-test', 'q');
  });
  afterAll(async () => {
    await client?.quit();
    await redis?.stop();
  });

  it('lets a job run once the job linked before it under the same key has finished', async () => {
    expect(await sut.link('k', 'j1')).toBe('');
    expect(await sut.link('k', 'j2')).toBe('j1');
    expect(await sut.link('k', 'j3')).toBe('j2');
    expect(await sut.link('other', 'x1')).toBe('');
    expect(await sut.check('j1')).toEqual({ turn: 'go' });
    expect(await sut.check('x1')).toEqual({ turn: 'go' });
    expect(await sut.check('j2')).toMatchObject({ turn: 'wait', predecessor: 'j1' });
    expect(await sut.check('j3')).toMatchObject({ turn: 'wait', predecessor: 'j2' });

    // Finishing names the successor to wake; the chain moves on by one.
    expect(await sut.finish('k', 'j1')).toBe('j2');
    expect(await sut.check('j2')).toEqual({ turn: 'go' });
    expect(await sut.check('j3')).toMatchObject({ turn: 'wait', predecessor: 'j2' });
    expect(await sut.finish('k', 'j2')).toBe('j3');
    expect(await sut.finish('k', 'j3')).toBe('');
    expect(await sut.finish('other', 'x1')).toBe('');

    // A finished job run again (a stall after its finish) is not held; nothing is left behind.
    expect(await sut.check('j2')).toEqual({ turn: 'go' });
    expect(await client.keys('order-test:*')).toEqual([]);
  });

  it('starts a new chain when the previous one has finished, and tells a job linked behind a finished one to go', async () => {
    await sut.link('k2', 'a');
    await sut.finish('k2', 'a');
    expect(await sut.link('k2', 'b')).toBe('');
    await sut.link('k2', 'c');
    // c's predecessor b finishes before c is checked: c goes without waiting.
    expect(await sut.finish('k2', 'b')).toBe('c');
    expect(await sut.check('c')).toEqual({ turn: 'go' });
    await sut.finish('k2', 'c');
    expect(await client.keys('order-test:*')).toEqual([]);
  });
});
