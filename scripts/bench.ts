/*
 * Benchmark suite (issues 7, 13, 14 and 15): `npm run bench`, `npm run bench -- --scales 1,5`.
 *
 * For each data scale, in a fresh embedded engine (so a fresh database):
 * 1. Starts the embedded engine (in memory) and, against one database on it:
 *    - instance B, the real AppModule in THIS process with DB_MONITOR_COMMANDS=true. It seeds the
 *      bulk data through the app's own Mongoose models (insertMany, lean, unordered, large
 *      batches, one collection after the other), then, if the app has maintained counters
 *      (a CountersReconcileService, issue 13), calls its reconcileAll() once. B also counts
 *      driver commands per request (split into the guard phase = authentication, and the rest)
 *      and, because it shares this process's event loop, gives the event-loop delay during a
 *      login burst;
 *    - instance A, the production build `node dist/main.js` as a child process (what the table
 *      measures), plus (once per bench) a bare `node:http` baseline child answering the same
 *      JSON as /health/live.
 * 2. One user is signed up through the API (register → code from the outbox → verify → login);
 *    users, videos, likes, comments and follows in bulk go through the models (uploads are far
 *    too slow for thousands of videos and every API sign-up costs a bcrypt hash). Dancer 0, a
 *    seeded creator (every 20th video, followed by every user), is the channel profile, signs in
 *    for the dashboard, and is the one the bench user follows and unfollows.
 *    Issues 14 and 15 (each seeded only when a row reading it is selected, after the bench user
 *    exists): the bench user follows 100 × scale creators (never dancer 0) and its timeline gets
 *    what their follows' backfill writes, through TimelinesService (feed); dancer 0 gets
 *    200 × scale notification groups with their actor rows, likes and comments grouped
 *    (notifications, unread-count); the bench user logs in until it holds 8 sessions (sessions);
 *    idempotent-replay posts one comment with a fixed Idempotency-Key, and every measured
 *    request must be a replay (`Idempotent-Replayed: true` checked before the run, one comment
 *    in the database after it).
 * 3. Load comes from autocannon run as a separate process (`--json`), never from a process that
 *    serves requests. Before each measured run the service and the engine are left to go idle;
 *    CPU ms per request is the /proc utime+stime of `node dist/main.js` and of the engine's java
 *    process from the start of the run until both are idle again, over the requests they served
 *    (responses + client timeouts + one in flight per connection when the run ended).
 *    With feed, after the rows: a new creator with 1,000 × scale followers (new users, so no row
 *    above reads them) publishes a video through PATCH /video/publish-status on A; the bench
 *    times, from the answer, until every follower's timeline holds it and every follower has its
 *    new_video notification (counts polled through B's models), and reads A's dancely_jobs_total.
 * 4. Writes var/bench/latest.json ({ runs: [{ scale, endpoints: [...] }], machine, startedAt,
 *    baseline, ... }) and prints one markdown table per scale, with the engine CPU per request
 *    relative to the smallest scale run (1× when run), plus a summary across scales.
 *
 * Usage: npm run bench [-- --scales 1,5,10] [--endpoints profile,dashboard] [--out FILE]
 *        (or node_modules/.bin/node -r ts-node/register/transpile-only
 *        -r tsconfig-paths/register scripts/bench.ts [flags] after `npm run build`)
 *   --scales     data scales, default 1. N× multiplies every row count of the 1× data set
 *                (200 users, 2,000 videos, 20,000 likes, 5,000 comments, 2,000 follows) and
 *                the hot video's likes and comments.
 *   --endpoints  keys of scripts/bench/endpoints.ts: health, video-list, watch-anon,
 *                watch-signed-in, watch-anon-304, comments, profile, dashboard, feed,
 *                notifications, unread-count, sessions, like-toggle, follow-toggle,
 *                idempotent-replay, login (the event-loop phase runs only with login, the
 *                fan-out measurement only with feed).
 *   --out FILE   the JSON (default var/bench/latest.json).
 *   --print FILE prints the tables of a saved JSON (e.g. docs/bench/*.json) and runs nothing.
 * Env: BENCH_DURATION (s per endpoint, 5), BENCH_LOOP_SECONDS (quiet and burst phases, 10),
 *      BENCH_CONNECTIONS (10), BENCH_BCRYPT_ROUNDS (12), BENCH_SEED_BATCH (rows per insertMany,
 *      10000), BENCH_USERS (200), BENCH_VIDEOS (2000), BENCH_LIKES (20000), BENCH_COMMENTS (5000),
 *      BENCH_FOLLOWS (2000) = the 1× data set; BCRYPT_CONCURRENCY and METRICS_ENABLED are passed
 *      to both instances when set.
 * Ctrl-C stops the bench's own children (service, baseline, autocannon), instance B and the
 * engine; nothing else is touched.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Connection, Model } from 'mongoose';
import { AppModule } from 'src/app.module';
import { APP_OPTIONS, configureApp } from 'src/app.setup';
import { DatabaseSupervisorService } from 'src/infrastructure/database/database-supervisor.service';
import { startEmbeddedMongo } from 'src/infrastructure/database/embedded-mongo';
import { cannon, type CannonResult, type Target } from 'scripts/bench/cannon';
import {
  CommandCounter,
  GuardBoundaryInterceptor,
  type DbCommands,
} from 'scripts/bench/db-commands';
import { ENDPOINT_KEYS, endpointsFor, type Endpoint } from 'scripts/bench/endpoints';
import { measureFanOut } from 'scripts/bench/fanout';
import {
  cpuMs,
  freePort,
  installSignalHandlers,
  log,
  processName,
  root,
  Scope,
  settle,
  sleep,
  spawnNode,
  stopChild,
  waitFor,
} from 'scripts/bench/processes';
import {
  formatDbCommands,
  formatFanOut,
  formatFanOutSummary,
  formatRowData,
  formatRun,
  formatSummary,
  type BaselineResult,
  type BenchReport,
  type EndpointResult,
  type RowData,
  type RunResult,
} from 'scripts/bench/report';
import { reconcileCounters, seed, type Seeded } from 'scripts/bench/seed';
import { readSettings, scaled, type Settings } from 'scripts/bench/settings';
import { seedCreatorNotifications, seedFanOutAudience, seedViewerFeed } from 'scripts/bench/social';
import { Comment } from 'src/modules/comments/schemas/comment.schema';
import { User } from 'src/modules/users/schemas/user.schema';

const PASSWORD = 'Bench-mark-2026';
const VIEWER = { email: 'bench.user@example.test', username: 'bench_user' };

const BARE_SERVER = `
const body = process.env.BENCH_BODY;
require('node:http')
  .createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
`;

// ---------------------------------------------------------------------------------------------
// accounts

function latestCode(outboxDir: string, to: string): string {
  for (const file of readdirSync(outboxDir).sort().reverse()) {
    const message = JSON.parse(readFileSync(join(outboxDir, file), 'utf8')) as {
      to?: string;
      text?: string;
    };
    const match = message.to === to ? /\b(\d{6})\b/.exec(message.text ?? '') : null;
    if (match) return match[1];
  }
  throw new Error(`no code mailed to ${to}`);
}

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The one user signed up through the API, end to end; returns an access token. */
async function signUp(api: string, outboxDir: string): Promise<string> {
  const reg = await post(`${api}/auth/register`, {
    name: 'Bench User',
    email: VIEWER.email,
    username: VIEWER.username,
    password: PASSWORD,
  });
  if (reg.status !== 201) throw new Error(`register answered ${reg.status}`);
  const verify = await post(`${api}/auth/verify-account`, {
    email: VIEWER.email,
    code: latestCode(outboxDir, VIEWER.email),
  });
  if (verify.status !== 200) throw new Error(`verify answered ${verify.status}`);
  return login(api, VIEWER.username);
}

async function login(api: string, identifier: string, userAgent?: string): Promise<string> {
  const res = await fetch(`${api}/auth/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(userAgent ? { 'user-agent': userAgent } : {}),
    },
    body: JSON.stringify({ identifier, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login of ${identifier} answered ${res.status}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('accessToken='));
  if (!cookie) throw new Error('login set no accessToken cookie');
  return cookie.split(';')[0].slice('accessToken='.length);
}

// ---------------------------------------------------------------------------------------------
// data of the issue 14/15 rows, seeded only when a row that reads it is selected

/** Sessions the bench user holds for the sessions row (the sign-up's and B's logins included). */
const VIEWER_SESSIONS = 8;

async function seedRowData(
  appB: NestExpressApplication,
  api: string,
  seeded: Seeded,
  scale: number,
  shared: Shared,
): Promise<RowData> {
  const { selected, settings } = shared;
  const users = appB.get<Model<User>>(getModelToken(User.name));
  const viewer = await users.findOne({ username: VIEWER.username }).select({ _id: 1 }).lean();
  if (!viewer) throw new Error('the bench user is not in the database');
  const viewerFeed = selected.has('feed')
    ? await seedViewerFeed(appB, viewer._id.toHexString(), seeded, scale, settings.seedBatch)
    : null;
  const creatorNotifications =
    selected.has('notifications') || selected.has('unread-count')
      ? await seedCreatorNotifications(appB, seeded, scale, settings.seedBatch)
      : null;
  let viewerSessions: number | null = null;
  if (selected.has('sessions')) {
    // Real logins (one bcrypt hash each), from different clients, as a user's devices are.
    // With the sign-up's session and B's (for the round trips, made next) that is VIEWER_SESSIONS.
    for (let i = 0; i < VIEWER_SESSIONS - 2; i += 1)
      await login(api, VIEWER.username, `DancelyBench/${i} (device ${i})`);
    viewerSessions = VIEWER_SESSIONS;
  }
  return { viewerFeed, creatorNotifications, viewerSessions };
}

// ---------------------------------------------------------------------------------------------

interface Shared {
  settings: Settings;
  selected: Set<string>;
  baseline: BaselineResult | null;
  engineName: string;
}

function headersFor(
  endpoint: Endpoint,
  tokens: { viewer: string; creator: string },
): Record<string, string> {
  return {
    ...(endpoint.auth ? { authorization: `Bearer ${tokens[endpoint.auth]}` } : {}),
    ...(endpoint.body ? { 'content-type': 'application/json' } : {}),
    ...(endpoint.idempotencyKey ? { 'idempotency-key': endpoint.idempotencyKey } : {}),
  };
}

/**
 * For a row with an Idempotency-Key: sends the request until an answer is a replay (the first
 * one on a fresh key creates), so every measured request replays; throws if none does.
 */
async function primeReplay(
  base: string,
  endpoint: Endpoint,
  headers: Record<string, string>,
): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const res = await fetch(`${base}${endpoint.path}`, {
      method: endpoint.method ?? 'GET',
      headers,
      body: endpoint.body,
    });
    await res.arrayBuffer();
    if (res.status >= 300) throw new Error(`${endpoint.label}: answered ${res.status}`);
    if (res.headers.get('idempotent-replayed') === 'true') return;
  }
  throw new Error(`${endpoint.label}: no answer carried Idempotent-Replayed: true`);
}

/** The headers of `endpoint` on `base`, with `If-None-Match` from a first fetch when it revalidates. */
async function requestHeaders(
  base: string,
  endpoint: Endpoint,
  tokens: { viewer: string; creator: string },
): Promise<Record<string, string>> {
  const headers = headersFor(endpoint, tokens);
  if (endpoint.idempotencyKey) await primeReplay(base, endpoint, headers);
  if (!endpoint.revalidate) return headers;
  const res = await fetch(`${base}${endpoint.path}`, { headers });
  await res.arrayBuffer();
  const etag = res.headers.get('etag');
  if (!etag) throw new Error(`${endpoint.label}: the first fetch carried no ETag`);
  return { ...headers, 'if-none-match': etag };
}

async function runScale(scale: number, shared: Shared): Promise<RunResult> {
  const { settings } = shared;
  const began = performance.now();
  const size = scaled(settings.base, scale);
  const scope = new Scope();
  try {
    const engine = await startEmbeddedMongo({ projectRoot: root });
    scope.defer('stop the engine', () => engine.stop());
    shared.engineName = engine.engine;
    const engineName = processName(engine.pid);
    if (engineName !== 'java') log(`engine pid ${engine.pid} is "${engineName}", not java`);
    const scratch = mkdtempSync(join(tmpdir(), 'dancely-bench-'));
    scope.defer('remove the scratch folder', () =>
      rmSync(scratch, { recursive: true, force: true }),
    );
    const outboxDir = join(scratch, 'outbox');
    const servicePort = await freePort();
    const serviceBase = `http://127.0.0.1:${servicePort}`;
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      MONGODB_URI: `${engine.uri}/dancely_bench`,
      BASE_URL: serviceBase,
      LOG_LEVEL: 'error',
      LOG_FILES: 'false',
      BCRYPT_ROUNDS: String(settings.bcryptRounds),
      // Passed through so a run can compare against the service's default (one per core).
      ...(process.env.BCRYPT_CONCURRENCY
        ? { BCRYPT_CONCURRENCY: process.env.BCRYPT_CONCURRENCY }
        : {}),
      // Metrics are on by default (NODE_ENV=test); METRICS_ENABLED=false measures without them.
      ...(process.env.METRICS_ENABLED ? { METRICS_ENABLED: process.env.METRICS_ENABLED } : {}),
      MAIL_OUTBOX_DIR: outboxDir,
      MEDIA_LOCAL_DIR: join(scratch, 'media'),
      UPLOAD_TMP_DIR: join(scratch, 'uploads'),
      RATE_LIMIT_GLOBAL: '100000000',
      RATE_LIMIT_LOGIN: '100000000',
      RATE_LIMIT_REGISTER: '100000000',
      RATE_LIMIT_CODE_CHECK: '100000000',
      RATE_LIMIT_EMAIL_SEND: '100000000',
      RATE_LIMIT_LOGIN_FAILURES: '100000000',
      RATE_LIMIT_LOGIN_FAILURES_ACCOUNT: '100000000',
    };

    // Instance B: in this process, command monitoring on; a new one per scale.
    Object.assign(process.env, env, { DB_MONITOR_COMMANDS: 'true' });
    const appB = await NestFactory.create<NestExpressApplication>(AppModule, {
      ...APP_OPTIONS,
      bufferLogs: false,
      logger: ['error'],
      // Throw instead of process.exit(1), so the clean-up below still runs.
      abortOnError: false,
    });
    scope.defer('close instance B', () => appB.close());
    configureApp(appB);
    const counter = new CommandCounter();
    appB.useGlobalInterceptors(new GuardBoundaryInterceptor(counter));
    await appB.listen(0, '127.0.0.1');
    await appB.get(DatabaseSupervisorService).whenReady();
    const baseB = (await appB.getUrl())
      .replace('[::1]', '127.0.0.1')
      .replace('localhost', '127.0.0.1');
    counter.attach(appB.get<Connection>(getConnectionToken()));

    log(`${scale}×: seeding ${JSON.stringify(size)} through the models`);
    const seeded = await seed(appB, serviceBase, size, scale, PASSWORD, settings.seedBatch);
    log(`${scale}×: seeded in ${seeded.seconds.toFixed(1)} s`);
    const reconcile = await reconcileCounters(appB);
    log(
      reconcile
        ? `${scale}×: counters reconciled in ${reconcile.seconds.toFixed(1)} s`
        : `${scale}×: no CountersReconcileService in this code: counters not reconciled`,
    );

    // Instance A: the production build as a child process, same database.
    const service = spawnNode(['dist/main.js'], { ...env, PORT: String(servicePort) });
    scope.defer('stop instance A', () => stopChild(service));
    await waitFor(`${serviceBase}/health/ready`, 60_000);
    const api = `${serviceBase}/api/v1`;
    const tokens = {
      viewer: await signUp(api, outboxDir),
      creator: await login(api, seeded.creatorUsername),
    };

    const rowData = await seedRowData(appB, api, seeded, scale, shared);
    if (rowData.viewerFeed)
      log(
        `${scale}×: bench user follows ${rowData.viewerFeed.follows} creators, ` +
          `${rowData.viewerFeed.entries} timeline entries`,
      );

    if (!shared.baseline && shared.selected.has('health')) {
      const liveBody = await (await fetch(`${serviceBase}/health/live`)).text();
      const basePort = await freePort();
      const bare = spawnNode(['-e', BARE_SERVER], {
        PORT: String(basePort),
        BENCH_BODY: liveBody,
      });
      scope.defer('stop the baseline server', () => stopChild(bare));
      await waitFor(`http://127.0.0.1:${basePort}/`, 10_000);
      await cannon(
        { url: `http://127.0.0.1:${basePort}/` },
        { duration: 1, connections: settings.connections },
      );
      await settle([bare.pid ?? -1], 10_000);
      const before = cpuMs(bare.pid);
      const r = await cannon(
        { url: `http://127.0.0.1:${basePort}/` },
        { duration: settings.duration, connections: settings.connections },
      );
      await settle([bare.pid ?? -1], 10_000);
      const served = r['2xx'] + r.non2xx + r.timeouts + settings.connections;
      shared.baseline = {
        name: 'baseline node:http (same JSON)',
        reqPerSec: r.requests.average,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        non2xx: r.non2xx + r.errors,
        nodeCpuMsPerReq: (cpuMs(bare.pid) - before) / served,
      };
      log(`baseline: ${r.requests.average} req/s`);
      await stopChild(bare);
    }

    const loginBody = JSON.stringify({ identifier: VIEWER.username, password: PASSWORD });
    const endpoints = endpointsFor(seeded, loginBody).filter((e) => shared.selected.has(e.key));

    // Database round trips: one request per endpoint on B after one warm-up request (toggles:
    // the next one as well, which flips the relation back).
    const tokensB = {
      viewer: await login(`${baseB}/api/v1`, VIEWER.username),
      creator: await login(`${baseB}/api/v1`, seeded.creatorUsername),
    };
    const dbCounts = new Map<string, DbCommands[]>();
    for (const endpoint of endpoints) {
      const headers = await requestHeaders(baseB, endpoint, tokensB);
      const send = async (): Promise<number> => {
        const res = await fetch(`${baseB}${endpoint.path}`, {
          method: endpoint.method ?? 'GET',
          headers,
          body: endpoint.body,
        });
        await res.arrayBuffer();
        await sleep(100); // let fire-and-forget writes start
        return res.status;
      };
      await send();
      const counts: DbCommands[] = [];
      for (let i = 0; i < (endpoint.toggle ? 2 : 1); i += 1) {
        counter.reset();
        const status = await send();
        counts.push(counter.snapshot());
        if (status >= 400) log(`${endpoint.label} answered ${status} on the counting instance`);
      }
      dbCounts.set(endpoint.key, counts);
    }

    // Throughput, latency and CPU on A, one endpoint at a time.
    const pids = [service.pid ?? -1, engine.pid];
    const results: EndpointResult[] = [];
    let health: CannonResult | undefined;
    for (const endpoint of endpoints) {
      const target: Target = {
        url: `${serviceBase}${endpoint.path}`,
        method: endpoint.method,
        headers: await requestHeaders(serviceBase, endpoint, tokens),
        body: endpoint.body,
      };
      if (endpoint.warmUp) await cannon(target, { duration: 1, connections: settings.connections });
      await settle(pids);
      const before = pids.map(cpuMs);
      const r = await cannon(target, {
        duration: settings.duration,
        connections: settings.connections,
      });
      const drain = await settle(pids);
      if (!drain.quiet) log(`${endpoint.label}: still busy ${drain.waitedMs} ms after the run`);
      const after = pids.map(cpuMs);
      const responses = r['2xx'] + r.non2xx;
      const served = Math.max(1, responses + r.timeouts + settings.connections);
      const [dbFirst, dbSecond] = dbCounts.get(endpoint.key) ?? [];
      results.push({
        key: endpoint.key,
        name: endpoint.label,
        reqPerSec: r.requests.average,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        non2xx: r.non2xx,
        errors: r.errors,
        responses,
        served,
        nodeCpuMsPerReq: (after[0] - before[0]) / served,
        engineCpuMsPerReq: (after[1] - before[1]) / served,
        nodeCpuMs: after[0] - before[0],
        engineCpuMs: after[1] - before[1],
        dbCommands: dbFirst ?? null,
        ...(dbSecond ? { dbCommandsAlternate: dbSecond } : {}),
        engineCpuVsBase: null,
        drainMs: drain.waitedMs,
      });
      if (endpoint.key === 'health') health = r;
      if (endpoint.idempotencyKey) {
        const created = await appB
          .get<Model<Comment>>(getModelToken(Comment.name))
          .countDocuments({
            content: (JSON.parse(endpoint.body ?? '{}') as { content: string }).content,
          })
          .exec();
        results[results.length - 1].resourcesCreated = created;
        if (created !== 1) log(`${endpoint.label}: ${created} comments created, not 1`);
      }
      log(
        `${scale}× ${endpoint.label}: ${r.requests.average} req/s, p99 ${r.latency.p99} ms, ` +
          `${r.non2xx + r.errors} not 2xx, drained in ${drain.waitedMs} ms`,
      );
    }

    // Fan-out of one publish (with the feed row): seeded now, so no row above reads its data.
    let fanOut: RunResult['fanOut'] = null;
    if (shared.selected.has('feed')) {
      const audience = await seedFanOutAudience(
        appB,
        serviceBase,
        scale,
        PASSWORD,
        settings.seedBatch,
      );
      fanOut = await measureFanOut({
        app: appB,
        serviceBase,
        audience,
        creatorToken: await login(api, audience.creatorUsername),
        lastFollowerToken: await login(api, audience.lastFollowerUsername),
        servicePid: service.pid ?? -1,
        enginePid: engine.pid,
      });
      log(
        `${scale}× fan-out to ${fanOut.followers} followers: timelines ${fanOut.timelinesMs?.toFixed(0) ?? 'timeout'} ms, ` +
          `notifications ${fanOut.notificationsMs?.toFixed(0) ?? 'timeout'} ms after the publish answer`,
      );
    }

    // Event-loop delay on B (this process) while logins run, and other endpoints' p99 then.
    // Probes at fixed, unsaturated rates, so a p99 rise is the logins' doing, not queueing.
    let eventLoop: RunResult['eventLoop'] = null;
    let loginBurstOnB: RunResult['loginBurstOnB'] = null;
    if (shared.selected.has('login')) {
      const probes: { label: string; target: Target; rate: number }[] = [
        { label: 'GET /health/live', target: { url: `${baseB}/health/live` }, rate: 100 },
        {
          label: 'GET /api/v1/video/:id (anon)',
          target: { url: `${baseB}/api/v1/video/${seeded.hotVideoId}` },
          rate: 20,
        },
      ];
      const runProbes = (duration: number): Promise<CannonResult[]> =>
        Promise.all(
          probes.map((p) => cannon(p.target, { duration, connections: 2, rate: p.rate })),
        );
      const loop = monitorEventLoopDelay({ resolution: 1 });
      await runProbes(1);
      loop.enable();
      const quiet = await runProbes(settings.loopSeconds);
      loop.disable();
      const quietLoop = { p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6 };
      loop.reset();
      loop.enable();
      const [burst, during] = await Promise.all([
        cannon(
          {
            url: `${baseB}/api/v1/auth/login`,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: loginBody,
          },
          { duration: settings.loopSeconds, connections: settings.connections },
        ),
        runProbes(settings.loopSeconds),
      ]);
      loop.disable();
      eventLoop = {
        quiet: quietLoop,
        loginBurst: { p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6 },
        probes: probes.map((p, i) => ({
          label: p.label,
          rate: p.rate,
          quietP99Ms: quiet[i].latency.p99,
          duringLoginsP99Ms: during[i].latency.p99,
        })),
      };
      loginBurstOnB = {
        reqPerSec: burst.requests.average,
        p50Ms: burst.latency.p50,
        p99Ms: burst.latency.p99,
      };
      // Logins still hashing on B when the burst ends would meet a closed database connection.
      await settle([process.pid, engine.pid]);
    }

    return {
      scale,
      data: { ...seeded.data, users: seeded.data.users + 1 },
      seedSeconds: seeded.seconds,
      reconcile,
      endpoints: results,
      healthBaselineRatio:
        health && shared.baseline ? health.requests.average / shared.baseline.reqPerSec : null,
      loginBurstOnB,
      eventLoop,
      rowData,
      fanOut,
      runSeconds: (performance.now() - began) / 1000,
    };
  } finally {
    await scope.close();
  }
}

function describeRun(run: RunResult, baseScale: number, baseline: BaselineResult | null): string[] {
  const lines: string[] = [];
  const d = run.data;
  const reconcileText = run.reconcile
    ? `counters reconciled in ${run.reconcile.seconds.toFixed(1)} s (${run.reconcile.source})`
    : 'no counters to reconcile in this code';
  lines.push(`## ${run.scale}× data`);
  lines.push('');
  lines.push(
    `data: ${d.users} users, ${d.videos} videos, ${d.likes} likes, ${d.comments} comments, ` +
      `${d.follows} follows (seeded in ${run.seedSeconds.toFixed(1)} s; ${reconcileText})`,
  );
  if (run.reconcile?.result !== null && run.reconcile?.result !== undefined)
    lines.push(`reconcile report: ${JSON.stringify(run.reconcile.result).slice(0, 500)}`);
  lines.push(...formatRowData(run));
  lines.push('');
  lines.push(...formatRun(run, baseScale, baseline));
  lines.push('');
  if (run.healthBaselineRatio !== null) {
    const ratio = run.healthBaselineRatio;
    lines.push(
      `health/baseline ratio: ${ratio.toFixed(2)} (target >= 0.30): ${ratio >= 0.3 ? 'met' : 'NOT met'}`,
    );
  }
  if (run.loginBurstOnB && run.eventLoop) {
    const b = run.loginBurstOnB;
    const loop = run.eventLoop;
    lines.push(
      `login burst on the in-process instance: ${b.reqPerSec.toFixed(1)} logins/s, p50 ${b.p50Ms} ms, p99 ${b.p99Ms} ms`,
    );
    lines.push(
      `event-loop delay: quiet p99 ${loop.quiet.p99Ms.toFixed(1)} ms / max ${loop.quiet.maxMs.toFixed(1)} ms; ` +
        `during login burst p99 ${loop.loginBurst.p99Ms.toFixed(1)} ms / max ${loop.loginBurst.maxMs.toFixed(1)} ms ` +
        `(target p99 < 10 ms): ${loop.loginBurst.p99Ms < 10 ? 'met' : 'NOT met'}`,
    );
    for (const p of loop.probes) {
      const rise = p.duringLoginsP99Ms - p.quietP99Ms;
      lines.push(
        `${p.label} at ${p.rate} req/s on the same instance: p99 quiet ${p.quietP99Ms} ms, ` +
          `during logins ${p.duringLoginsP99Ms} ms, rise ${rise} ms (target <= 10 ms): ${rise <= 10 ? 'met' : 'NOT met'}`,
      );
    }
  }
  lines.push(...formatFanOut(run));
  lines.push('');
  lines.push(...formatDbCommands(run));
  lines.push('');
  lines.push(`${run.scale}× run time ${run.runSeconds.toFixed(0)} s`);
  return lines;
}

function gitCommit(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: root,
    encoding: 'utf8',
  });
  const sha = head.stdout?.trim() || 'unknown';
  return status.stdout?.trim() ? `${sha} (with uncommitted changes)` : sha;
}

async function main(): Promise<void> {
  const printIndex = process.argv.indexOf('--print');
  if (printIndex >= 0) {
    const file = process.argv[printIndex + 1];
    if (!file) throw new Error('--print needs a JSON file written by the bench');
    console.log(formatReport(JSON.parse(readFileSync(file, 'utf8')) as BenchReport).join('\n'));
    return;
  }
  installSignalHandlers();
  const settings = readSettings(process.argv.slice(2), ENDPOINT_KEYS);
  const began = performance.now();
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  log(`load average at start: ${loadStart.map((n) => n.toFixed(2)).join(' ')}`);
  if (!existsSync(join(root, 'dist', 'main.js'))) {
    log('dist/ missing: npm run build');
    const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  const prepared = spawnSync(process.execPath, [join(root, 'scripts', 'prepare-engine.mjs')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (prepared.status !== 0) throw new Error('prepare-engine failed');

  const shared: Shared = {
    settings,
    selected: new Set(settings.endpoints ?? ENDPOINT_KEYS),
    baseline: null,
    engineName: '?',
  };
  const runs: RunResult[] = [];
  for (const scale of settings.scales) runs.push(await runScale(scale, shared));

  // Engine CPU per request relative to the smallest scale run (1× when it was run).
  const baseRun = runs.reduce((a, b) => (b.scale < a.scale ? b : a));
  for (const run of runs) {
    for (const e of run.endpoints) {
      const base = baseRun.endpoints.find((b) => b.key === e.key)?.engineCpuMsPerReq;
      e.engineCpuVsBase =
        base !== null && base !== undefined && base >= 0.05 && e.engineCpuMsPerReq !== null
          ? e.engineCpuMsPerReq / base
          : null;
    }
  }

  const loadEnd = loadavg();
  const report: BenchReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, ''),
    commit: gitCommit(),
    machine: {
      cores: cpus().length,
      cpuModel: cpus()[0]?.model ?? '?',
      memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
      node: process.version,
      engine: `${shared.engineName}, a fresh one per scale`,
      loadAverage: { start: loadStart, end: loadEnd },
    },
    settings: {
      durationSeconds: settings.duration,
      connections: settings.connections,
      bcryptRounds: settings.bcryptRounds,
      loopSeconds: settings.loopSeconds,
      bcryptConcurrency: process.env.BCRYPT_CONCURRENCY ?? 'default (cores)',
      metrics: process.env.METRICS_ENABLED === 'false' ? 'off' : 'on',
      baseData: settings.base,
      seedBatch: settings.seedBatch,
    },
    baseline: shared.baseline,
    runs,
  };
  mkdirSync(dirname(settings.outFile), { recursive: true });
  // Three decimals are plenty for every measured figure.
  const rounded = (_key: string, value: unknown): unknown =>
    typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
  writeFileSync(settings.outFile, `${JSON.stringify(report, rounded, 2)}\n`);

  console.log(
    [
      ...formatReport(report),
      `JSON: ${relative(process.cwd(), settings.outFile) || settings.outFile}`,
      `total run time ${((performance.now() - began) / 1000).toFixed(0)} s`,
    ].join('\n'),
  );
}

/** The printed report; also rebuilt from a saved JSON by `--print FILE`. */
function formatReport(report: BenchReport): string[] {
  const { machine, settings, runs } = report;
  const baseScale = Math.min(...runs.map((r) => r.scale));
  const load = (values: number[]): string => values.map((n) => n.toFixed(2)).join(' ');
  const lines: string[] = [];
  lines.push(
    `machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, node ${machine.node}; ` +
      `${settings.durationSeconds} s per endpoint, ${settings.connections} connections, bcrypt cost ${settings.bcryptRounds}, ` +
      `bcrypt threads ${settings.bcryptConcurrency}, metrics ${settings.metrics}; commit ${report.commit}; started ${report.startedAt}`,
  );
  lines.push(
    `load average (1/5/15 min): start ${load(machine.loadAverage.start)}, end ${load(machine.loadAverage.end)}`,
  );
  lines.push('');
  runs.forEach((run, i) => {
    lines.push(...describeRun(run, baseScale, i === 0 ? report.baseline : null));
    lines.push('');
  });
  if (runs.length > 1) {
    lines.push('## Across scales');
    lines.push('');
    lines.push(...formatSummary(runs, baseScale));
    lines.push('');
    const fanOut = formatFanOutSummary(runs);
    if (fanOut.length > 0) lines.push(...fanOut, '');
  }
  return lines;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
