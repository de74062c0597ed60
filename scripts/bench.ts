/*
 * Benchmark suite (issue 7): `npm run bench`.
 *
 * 1. Starts the embedded engine (in memory) and, against one database on it:
 *    - instance B, the real AppModule in THIS process with DB_MONITOR_COMMANDS=true. It seeds the
 *      bulk data through the app's own Mongoose models, counts driver commands per request
 *      (split into the guard phase = authentication, and the rest) and, because it shares this
 *      process's event loop, gives the event-loop delay during a login burst;
 *    - instance A, the production build `node dist/main.js` as a child process (what the table
 *      measures), plus a bare `node:http` baseline child answering the same JSON as /health/live.
 * 2. One user is signed up through the API (register → code from the outbox → verify → login);
 *    users, videos, likes, comments and follows in bulk go through the models (uploads are far
 *    too slow for thousands of videos and every API sign-up costs a bcrypt hash).
 * 3. Load comes from autocannon run as a separate process (`--json`), never from a process that
 *    serves requests, so the load generator does not share the measured event loop.
 *
 * Usage: npm run bench   (or node_modules/.bin/node -r ts-node/register/transpile-only
 *        -r tsconfig-paths/register scripts/bench.ts after `npm run build`)
 * Env: BENCH_DURATION (s per endpoint, 5), BENCH_LOOP_SECONDS (quiet and burst phases, 10),
 *      BENCH_CONNECTIONS (10), BENCH_BCRYPT_ROUNDS (12),
 *      BENCH_USERS (200), BENCH_VIDEOS (2000), BENCH_LIKES (20000), BENCH_COMMENTS (5000),
 *      BENCH_FOLLOWS (2000); BCRYPT_CONCURRENCY and METRICS_ENABLED are passed to both instances
 *      when set.
 */
import 'reflect-metadata';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Types, type Connection, type Model } from 'mongoose';
import type { Observable } from 'rxjs';
import { AppModule } from 'src/app.module';
import { APP_OPTIONS, configureApp } from 'src/app.setup';
import { DatabaseSupervisor } from 'src/infrastructure/database/database-supervisor.service';
import { startEmbeddedMongo } from 'src/infrastructure/database/embedded-mongo';
import { Comment } from 'src/modules/comments/schemas/comment.schema';
import { Follow } from 'src/modules/follows/schemas/follow.schema';
import { Like } from 'src/modules/likes/schemas/like.schema';
import { PasswordHasher } from 'src/modules/users/password-hasher.service';
import { User } from 'src/modules/users/schemas/user.schema';
import { Video } from 'src/modules/videos/schemas/video.schema';

const root = resolve(__dirname, '..');
const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const DURATION = num('BENCH_DURATION', 5);
// The quiet and login-burst phases: long enough that the slower probe's p99 rests on 200
// samples (at 5 s and 10 req/s it was the worst but one of 50).
const LOOP_PHASE = num('BENCH_LOOP_SECONDS', 10);
const CONNECTIONS = num('BENCH_CONNECTIONS', 10);
const ROUNDS = num('BENCH_BCRYPT_ROUNDS', 12);
const SCALE = {
  users: num('BENCH_USERS', 200),
  videos: num('BENCH_VIDEOS', 2000),
  likes: num('BENCH_LIKES', 20000),
  comments: num('BENCH_COMMENTS', 5000),
  follows: num('BENCH_FOLLOWS', 2000),
};
const PASSWORD = 'Bench-mark-2026';
const HOT_COMMENTS = 300;
const HOT_LIKES = 150;

// ---------------------------------------------------------------------------------------------
// helpers

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitFor(url: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

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

interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
}

interface Target {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

interface CannonOptions {
  duration?: number;
  connections?: number;
  rate?: number;
}

/** Runs autocannon as its own process (so it never shares an event loop with a server). */
function cannonStart(target: Target, options: CannonOptions = {}): Promise<CannonResult> {
  const args = [
    join(root, 'node_modules', 'autocannon', 'autocannon.js'),
    '--json',
    '--connections',
    String(options.connections ?? CONNECTIONS),
    '--duration',
    String(options.duration ?? DURATION),
    '--method',
    target.method ?? 'GET',
  ];
  if (options.rate) args.push('--overallRate', String(options.rate));
  for (const [key, value] of Object.entries(target.headers ?? {}))
    args.push('--headers', `${key}=${value}`);
  if (target.body !== undefined) args.push('--body', target.body);
  args.push(target.url);
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolveRun(JSON.parse(line) as CannonResult);
      } catch {
        reject(new Error(`autocannon exited ${String(code)}: ${err.slice(-500)}`));
      }
    });
  });
}

function spawnChild(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc, 100 ticks/s). */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

// ---------------------------------------------------------------------------------------------
// database command counting on the in-process instance

interface CommandEntry {
  phase: 'auth' | 'rest';
  name: string;
}

class CommandCounter {
  afterGuards = false;
  entries: CommandEntry[] = [];
  private static readonly ignored = new Set([
    'hello',
    'ismaster',
    'isMaster',
    'ping',
    'saslStart',
    'saslContinue',
    'endSessions',
    'killCursors',
  ]);

  attach(connection: Connection): void {
    connection
      .getClient()
      .on('commandStarted', (event: { commandName: string; command: Record<string, unknown> }) => {
        if (CommandCounter.ignored.has(event.commandName)) return;
        const collection = event.command[event.commandName];
        this.entries.push({
          phase: this.afterGuards ? 'rest' : 'auth',
          name: `${event.commandName}${typeof collection === 'string' ? ` ${collection}` : ''}`,
        });
      });
  }

  reset(): void {
    this.afterGuards = false;
    this.entries = [];
  }
}

/**
 * Bench-only global interceptor on the in-process instance: interceptors run after every guard
 * (rate limit, authentication), so commands seen before it are the authentication's.
 */
@Injectable()
class GuardBoundaryInterceptor implements NestInterceptor {
  constructor(private readonly counter: CommandCounter) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.counter.afterGuards = true;
    return next.handle();
  }
}

// ---------------------------------------------------------------------------------------------
// seeding through the app's own models

interface Seeded {
  hotVideoId: string;
  toggleVideoId: string;
  profileUsername: string;
  loadSeconds: number;
}

function pick<T>(items: T[], i: number): T {
  return items[i % items.length];
}

async function seed(app: NestExpressApplication, baseUrl: string): Promise<Seeded> {
  const started = performance.now();
  const model = <T>(name: string): Model<T> => app.get<Model<T>>(getModelToken(name));
  const users = model<User>(User.name);
  const videos = model<Video>(Video.name);
  const likes = model<Like>(Like.name);
  const comments = model<Comment>(Comment.name);
  const follows = model<Follow>(Follow.name);
  const passwordHash = await app.get(PasswordHasher).hash(PASSWORD);
  const t0 = Date.UTC(2026, 0, 1);
  const at = (i: number): Date => new Date(t0 + i * 60_000);
  const batch = async <T>(target: Model<T>, docs: Record<string, unknown>[]): Promise<void> => {
    for (let i = 0; i < docs.length; i += 1000)
      await target.insertMany(docs.slice(i, i + 1000), { lean: true });
  };

  const userIds = Array.from({ length: SCALE.users }, () => new Types.ObjectId());
  await batch(
    users,
    userIds.map((_id, i) => ({
      _id,
      username: `dancer_${i}`,
      email: `dancer_${i}@example.test`,
      name: `Dancer ${i}`,
      bio: 'Seeded for the benchmark',
      password: passwordHash,
      profileImage: `https://ui-avatars.com/api/?name=Dancer+${i}`,
      profileImageKey: null,
      isVerified: true,
      lastRegisteredAt: at(i),
      verification: null,
      passwordReset: null,
      emailChange: null,
      createdAt: at(i),
      updatedAt: at(i),
    })),
  );

  const videoIds = Array.from({ length: SCALE.videos }, () => new Types.ObjectId());
  await batch(
    videos,
    videoIds.map((_id, i) => ({
      _id,
      // Dancer 0 owns every 20th video: the profile that GET /user/:username shows.
      owner: i % 20 === 0 ? userIds[0] : pick(userIds, (i * 7919) % SCALE.users),
      title: `Choreography #${i}`,
      description: `A seeded dance video number ${i}`,
      duration: 30 + (i % 240),
      views: (i * 37) % 5000,
      isPublished: i % 10 !== 9,
      videoFile: { url: `${baseUrl}/media/videos/seed-${i}.mp4`, key: `videos/seed-${i}.mp4` },
      thumbnail: {
        url: `${baseUrl}/media/thumbnails/seed-${i}.jpg`,
        key: `thumbnails/seed-${i}.jpg`,
      },
      createdAt: at(i),
      updatedAt: at(i),
    })),
  );

  // Likes: the hot video (video 0) gets HOT_LIKES, the rest spread over unique (user, video) pairs.
  const likeKeys = new Set<string>();
  const likeDocs: Record<string, unknown>[] = [];
  for (let n = 0; likeDocs.length < SCALE.likes && n < SCALE.likes * 4; n += 1) {
    const u = n < HOT_LIKES ? n % SCALE.users : (n * 7919 + (n >> 5)) % SCALE.users;
    const v = n < HOT_LIKES ? 0 : 1 + ((n * 104729) % (SCALE.videos - 1));
    const key = `${u}:${v}`;
    if (likeKeys.has(key)) continue;
    likeKeys.add(key);
    likeDocs.push({
      targetType: 'video',
      target: videoIds[v],
      likedBy: userIds[u],
      createdAt: at(n),
      updatedAt: at(n),
    });
  }
  await batch(likes, likeDocs);

  await batch(
    comments,
    Array.from({ length: SCALE.comments }, (_, n) => ({
      content: `Great moves! (${n})`,
      video: n < HOT_COMMENTS ? videoIds[0] : pick(videoIds, (n * 7919) % SCALE.videos),
      owner: pick(userIds, n),
      createdAt: at(n),
      updatedAt: at(n),
    })),
  );

  const followKeys = new Set<string>();
  const followDocs: Record<string, unknown>[] = [];
  for (let n = 0; followDocs.length < SCALE.follows && n < SCALE.follows * 4; n += 1) {
    const a = n % SCALE.users;
    // Everyone follows dancer 0, then each round r follows the user r * 13 further on.
    const round = Math.floor(n / SCALE.users);
    const b = round === 0 ? 0 : (a + round * 13) % SCALE.users;
    const key = `${a}:${b}`;
    if (a === b || followKeys.has(key)) continue;
    followKeys.add(key);
    followDocs.push({
      follower: userIds[a],
      following: userIds[b],
      createdAt: at(n),
      updatedAt: at(n),
    });
  }
  await batch(follows, followDocs);

  SCALE.likes = likeDocs.length;
  SCALE.follows = followDocs.length;
  return {
    hotVideoId: videoIds[0].toHexString(),
    toggleVideoId: videoIds[1].toHexString(),
    profileUsername: 'dancer_0',
    loadSeconds: (performance.now() - started) / 1000,
  };
}

/** The one user signed up through the API, end to end; returns an access token. */
async function signUp(api: string, outboxDir: string): Promise<string> {
  const email = 'bench.user@example.test';
  const username = 'bench_user';
  const reg = await post(`${api}/auth/register`, {
    name: 'Bench User',
    email,
    username,
    password: PASSWORD,
  });
  if (reg.status !== 201) throw new Error(`register answered ${reg.status}`);
  const verify = await post(`${api}/auth/verify-account`, {
    email,
    code: latestCode(outboxDir, email),
  });
  if (verify.status !== 200) throw new Error(`verify answered ${verify.status}`);
  return login(api);
}

async function login(api: string): Promise<string> {
  const res = await post(`${api}/auth/login`, { identifier: 'bench_user', password: PASSWORD });
  if (res.status !== 200) throw new Error(`login answered ${res.status}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('accessToken='));
  if (!cookie) throw new Error('login set no accessToken cookie');
  return cookie.split(';')[0].slice('accessToken='.length);
}

// ---------------------------------------------------------------------------------------------

interface Endpoint {
  label: string;
  path: string;
  method?: 'GET' | 'POST';
  auth?: boolean;
  body?: string;
}

interface Row {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  bad: number;
  db: string;
  /** CPU ms per request: the serving Node process, the database engine. */
  nodeCpu: number;
  engineCpu: number;
}

const BARE_SERVER = `
const body = process.env.BENCH_BODY;
require('node:http')
  .createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
`;

async function main(): Promise<void> {
  const began = performance.now();
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

  const engine = await startEmbeddedMongo({ projectRoot: root });
  const scratch = mkdtempSync(join(tmpdir(), 'dancely-bench-'));
  const outboxDir = join(scratch, 'outbox');
  const children: ChildProcess[] = [];
  const servicePort = await freePort();
  const serviceBase = `http://127.0.0.1:${servicePort}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    MONGODB_URI: `${engine.uri}/dancely_bench`,
    BASE_URL: serviceBase,
    LOG_LEVEL: 'error',
    LOG_FILES: 'false',
    BCRYPT_ROUNDS: String(ROUNDS),
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

  // Instance B: in this process, command monitoring on.
  Object.assign(process.env, env, { DB_MONITOR_COMMANDS: 'true' });
  const appB = await NestFactory.create<NestExpressApplication>(AppModule, {
    ...APP_OPTIONS,
    bufferLogs: false,
    logger: ['error'],
  });
  configureApp(appB);
  const counter = new CommandCounter();
  appB.useGlobalInterceptors(new GuardBoundaryInterceptor(counter));
  await appB.listen(0, '127.0.0.1');
  await appB.get(DatabaseSupervisor).whenReady();
  const baseB = (await appB.getUrl())
    .replace('[::1]', '127.0.0.1')
    .replace('localhost', '127.0.0.1');
  counter.attach(appB.get<Connection>(getConnectionToken()));

  try {
    log(`seeding ${JSON.stringify(SCALE)} through the models`);
    const seeded = await seed(appB, serviceBase);
    log(`seeded in ${seeded.loadSeconds.toFixed(1)} s`);

    // Instance A: the production build as a child process, same database.
    const service = spawnChild(['dist/main.js'], { ...env, PORT: String(servicePort) });
    children.push(service);
    await waitFor(`${serviceBase}/health/ready`, 60_000);
    const token = await signUp(`${serviceBase}/api/v1`, outboxDir);
    const liveBody = await (await fetch(`${serviceBase}/health/live`)).text();

    const basePort = await freePort();
    const bare = spawnChild(['-e', BARE_SERVER], { PORT: String(basePort), BENCH_BODY: liveBody });
    children.push(bare);
    await waitFor(`http://127.0.0.1:${basePort}/`, 10_000);

    const loginBody = JSON.stringify({ identifier: 'bench_user', password: PASSWORD });
    const endpoints: Endpoint[] = [
      { label: 'GET /health/live', path: '/health/live' },
      { label: 'GET /api/v1/video?limit=12', path: '/api/v1/video?limit=12' },
      { label: 'GET /api/v1/video/:id (anon)', path: `/api/v1/video/${seeded.hotVideoId}` },
      {
        label: 'GET /api/v1/video/:id (signed in)',
        path: `/api/v1/video/${seeded.hotVideoId}`,
        auth: true,
      },
      {
        label: 'GET comments page (video)',
        path: `/api/v1/comment/video-comments/${seeded.hotVideoId}`,
      },
      { label: 'GET /api/v1/user/:username', path: `/api/v1/user/${seeded.profileUsername}` },
      {
        label: 'POST like toggle (video)',
        path: `/api/v1/like/toggle-video-like/${seeded.toggleVideoId}`,
        method: 'POST',
        auth: true,
      },
      {
        label: 'POST /auth/login (burst)',
        path: '/api/v1/auth/login',
        method: 'POST',
        body: loginBody,
      },
    ];

    // Database round trips: one request per endpoint on B (after one warm-up request).
    const tokenB = await login(`${baseB}/api/v1`);
    const dbCounts = new Map<string, { auth: CommandEntry[]; rest: CommandEntry[] }>();
    for (const endpoint of endpoints) {
      const send = async (): Promise<number> => {
        const res = await fetch(`${baseB}${endpoint.path}`, {
          method: endpoint.method ?? 'GET',
          headers: {
            ...(endpoint.auth ? { authorization: `Bearer ${tokenB}` } : {}),
            ...(endpoint.body ? { 'content-type': 'application/json' } : {}),
          },
          body: endpoint.body,
        });
        await res.arrayBuffer();
        await new Promise((r) => setTimeout(r, 100)); // let fire-and-forget writes start
        return res.status;
      };
      await send();
      counter.reset();
      const status = await send();
      dbCounts.set(endpoint.label, {
        auth: counter.entries.filter((e) => e.phase === 'auth'),
        rest: counter.entries.filter((e) => e.phase === 'rest'),
      });
      if (status >= 400) log(`${endpoint.label} answered ${status} on the counting instance`);
    }

    // Throughput and latency on A (and the baseline), one endpoint at a time.
    const rows: Row[] = [];
    const measure = async (
      label: string,
      target: Target,
      db: string,
      warmUp: boolean,
      pid: number | undefined,
    ): Promise<CannonResult> => {
      if (warmUp) await cannonStart(target, { duration: 1 });
      const before = [cpuMs(pid), cpuMs(engine.pid)];
      const r = await cannonStart(target);
      const done = Math.max(1, r['2xx'] + r.non2xx);
      rows.push({
        nodeCpu: (cpuMs(pid) - before[0]) / done,
        engineCpu: (cpuMs(engine.pid) - before[1]) / done,
        label,
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        ok: r['2xx'],
        bad: r.non2xx + r.errors + r.timeouts,
        db,
      });
      log(`${label}: ${r.requests.average} req/s`);
      return r;
    };
    const baseline = await measure(
      'baseline node:http (same JSON)',
      { url: `http://127.0.0.1:${basePort}/` },
      '-',
      true,
      bare.pid,
    );
    let health: CannonResult | undefined;
    for (const endpoint of endpoints) {
      const counts = dbCounts.get(endpoint.label);
      const r = await measure(
        endpoint.label,
        {
          url: `${serviceBase}${endpoint.path}`,
          method: endpoint.method,
          headers: {
            ...(endpoint.auth ? { authorization: `Bearer ${token}` } : {}),
            ...(endpoint.body ? { 'content-type': 'application/json' } : {}),
          },
          body: endpoint.body,
        },
        counts ? `${counts.auth.length}/${counts.rest.length}` : '?',
        endpoint.method !== 'POST' || endpoint.auth === true, // no warm-up for the login burst
        service.pid,
      );
      if (endpoint.path === '/health/live') health = r;
    }

    // Event-loop delay on B (this process) while logins run, and another endpoint's p99 then.
    // Probes at fixed, unsaturated rates, so a p99 rise is the logins' doing, not queueing.
    const probes: { label: string; target: Target; rate: number }[] = [
      { label: 'GET /health/live', target: { url: `${baseB}/health/live` }, rate: 100 },
      {
        label: 'GET /api/v1/video/:id (anon)',
        target: { url: `${baseB}/api/v1/video/${seeded.hotVideoId}` },
        rate: 20,
      },
    ];
    const runProbes = (duration?: number): Promise<CannonResult[]> =>
      Promise.all(
        probes.map((p) =>
          cannonStart(p.target, { duration: duration ?? LOOP_PHASE, connections: 2, rate: p.rate }),
        ),
      );
    const loop = monitorEventLoopDelay({ resolution: 1 });
    await runProbes(1);
    loop.enable();
    const quiet = await runProbes();
    loop.disable();
    const quietLoop = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
    loop.reset();
    loop.enable();
    const [burst, during] = await Promise.all([
      cannonStart(
        {
          url: `${baseB}/api/v1/auth/login`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: loginBody,
        },
        { duration: LOOP_PHASE },
      ),
      runProbes(),
    ]);
    loop.disable();
    const burstLoop = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };

    // ------------------------------------------------------------------------------------------
    const pad = (s: string, n: number): string => s.padEnd(n);
    const lpad = (s: string, n: number): string => s.padStart(n);
    const lines: string[] = [];
    lines.push(
      `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}; ` +
        `${DURATION} s per endpoint, ${CONNECTIONS} connections, bcrypt cost ${ROUNDS}, ` +
        `bcrypt threads ${process.env.BCRYPT_CONCURRENCY ?? 'default (cores)'}, ` +
        `metrics ${process.env.METRICS_ENABLED === 'false' ? 'off' : 'on'}`,
    );
    lines.push(
      `data: ${SCALE.users + 1} users, ${SCALE.videos} videos, ${SCALE.likes} likes, ${SCALE.comments} comments, ` +
        `${SCALE.follows} follows (loaded in ${seeded.loadSeconds.toFixed(1)} s)`,
    );
    lines.push('');
    lines.push(
      `| ${pad('endpoint', 34)} | ${lpad('req/s', 8)} | ${lpad('p50 ms', 6)} | ${lpad('p99 ms', 6)} | ${lpad('2xx', 6)} | ${lpad('other', 5)} | db auth/rest | node cpu ms/req | engine cpu ms/req |`,
    );
    lines.push(
      `|${'-'.repeat(36)}|${'-'.repeat(10)}|${'-'.repeat(8)}|${'-'.repeat(8)}|${'-'.repeat(8)}|${'-'.repeat(7)}|--------------|-----------------|-------------------|`,
    );
    for (const row of rows) {
      lines.push(
        `| ${pad(row.label, 34)} | ${lpad(row.rps.toFixed(1), 8)} | ${lpad(String(row.p50), 6)} | ${lpad(String(row.p99), 6)} | ${lpad(String(row.ok), 6)} | ${lpad(String(row.bad), 5)} | ${pad(row.db, 12)} | ${lpad(row.nodeCpu.toFixed(2), 15)} | ${lpad(row.db === '-' ? '-' : row.engineCpu.toFixed(2), 17)} |`,
      );
    }
    lines.push('');
    const ratio = health ? health.requests.average / baseline.requests.average : Number.NaN;
    lines.push(
      `health/baseline ratio: ${ratio.toFixed(2)} (target >= 0.30): ${ratio >= 0.3 ? 'met' : 'NOT met'}`,
    );
    lines.push(
      `login burst on the in-process instance: ${burst.requests.average.toFixed(1)} logins/s, p50 ${burst.latency.p50} ms, p99 ${burst.latency.p99} ms`,
    );
    lines.push(
      `event-loop delay: quiet p99 ${quietLoop.p99.toFixed(1)} ms / max ${quietLoop.max.toFixed(1)} ms; ` +
        `during login burst p99 ${burstLoop.p99.toFixed(1)} ms / max ${burstLoop.max.toFixed(1)} ms (target p99 < 10 ms): ${burstLoop.p99 < 10 ? 'met' : 'NOT met'}`,
    );
    probes.forEach((p, i) => {
      const rise = during[i].latency.p99 - quiet[i].latency.p99;
      lines.push(
        `${p.label} at ${p.rate} req/s on the same instance: p99 quiet ${quiet[i].latency.p99} ms, ` +
          `during logins ${during[i].latency.p99} ms, rise ${rise} ms (target <= 10 ms): ${rise <= 10 ? 'met' : 'NOT met'}`,
      );
    });
    lines.push('');
    lines.push('database commands per request (auth | rest):');
    for (const [label, counts] of dbCounts) {
      lines.push(
        `  ${pad(label, 34)} ${counts.auth.map((e) => e.name).join(', ') || '-'} | ${counts.rest.map((e) => e.name).join(', ') || '-'}`,
      );
    }
    lines.push('');
    lines.push(`total run time ${((performance.now() - began) / 1000).toFixed(0)} s`);
    console.log(lines.join('\n'));
  } finally {
    for (const child of children) await stopChild(child);
    await appB.close();
    await engine.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
