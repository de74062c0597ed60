/*
 * Login under a burst (issue 3): latency of POST /auth/login and the event-loop delay of the
 * process serving it, while many logins hash at once. bcrypt runs asynchronously on libuv's
 * thread pool, so the event loop should stay responsive however many logins are in flight; a
 * sync hash on the request path would show here as event-loop delay in the hundreds of ms.
 *
 * The real AppModule is started in this process (embedded engine, in memory) so that
 * `monitorEventLoopDelay` observes the loop that serves the requests. A quarter of the logins
 * name unknown users: they must cost the same as the others (the dummy-hash comparison).
 *
 * Usage:
 *   node scripts/prepare-engine.mjs   # once
 *   node_modules/.bin/node -r ts-node/register/transpile-only -r tsconfig-paths/register scripts/bench-login.ts
 * Env: BENCH_BCRYPT_ROUNDS (default 12, the production cost), BENCH_REQUESTS (200),
 *      BENCH_CONCURRENCY (50), UV_THREADPOOL_SIZE (libuv default 4).
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import { getModelToken } from '@nestjs/mongoose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Model } from 'mongoose';
import { AppModule } from 'src/app.module';
import { configureApp } from 'src/app.setup';
import { DatabaseSupervisorService } from 'src/infrastructure/database/database-supervisor.service';
import { startEmbeddedMongo } from 'src/infrastructure/database/embedded-mongo';
import { PasswordHasherService } from 'src/modules/users/password-hasher.service';
import { User } from 'src/modules/users/schemas/user.schema';

const ROUNDS = Number(process.env.BENCH_BCRYPT_ROUNDS ?? 12);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const USERS = 20;
const PASSWORD = 'bench mark 2026';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const fmt = (value: number): string => value.toFixed(1).padStart(8);
  return `${label.padEnd(22)} n=${String(sorted.length).padStart(4)}  p50=${fmt(percentile(sorted, 50))} ms  p99=${fmt(
    percentile(sorted, 99),
  )} ms  max=${fmt(sorted[sorted.length - 1] ?? Number.NaN)} ms`;
}

async function main(): Promise<void> {
  const engine = await startEmbeddedMongo();
  const scratch = mkdtempSync(join(tmpdir(), 'dancely-bench-'));
  Object.assign(process.env, {
    NODE_ENV: 'test',
    MONGODB_URI: `${engine.uri}/bench_login`,
    BCRYPT_ROUNDS: String(ROUNDS),
    LOG_LEVEL: 'error',
    LOG_FILES: 'false',
    MAIL_OUTBOX_DIR: join(scratch, 'outbox'),
    MEDIA_LOCAL_DIR: join(scratch, 'media'),
    UPLOAD_TMP_DIR: join(scratch, 'uploads'),
    RATE_LIMIT_GLOBAL: '1000000',
    RATE_LIMIT_LOGIN: '1000000',
  });
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    logger: ['error'],
  });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  await app.get(DatabaseSupervisorService).whenReady();
  const base = `${await app.getUrl()}/api/v1`.replace('[::1]', '127.0.0.1');

  try {
    const hasher = app.get(PasswordHasherService);
    const users = app.get<Model<User>>(getModelToken(User.name));
    const passwordHash = await hasher.hash(PASSWORD);
    await users.insertMany(
      Array.from({ length: USERS }, (_, i) => ({
        username: `bench_${i}`,
        email: `bench_${i}@example.test`,
        name: `Bench ${i}`,
        password: passwordHash,
        profileImage: 'https://ui-avatars.com/api/?name=Bench&background=random',
        isVerified: true,
        lastRegisteredAt: new Date(),
      })),
    );

    const login = async (i: number): Promise<{ ms: number; status: number; known: boolean }> => {
      const known = i % 4 !== 3;
      const identifier = known ? `bench_${i % USERS}` : `nobody_${i}`;
      const started = performance.now();
      const res = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier, password: PASSWORD }),
      });
      await res.arrayBuffer();
      return { ms: performance.now() - started, status: res.status, known };
    };

    for (let i = 0; i < 8; i += 1) await login(i); // warm-up: JIT, connection pool, dummy hash

    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const results: { ms: number; status: number; known: boolean }[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS) results.push(await login(next++));
      }),
    );
    const elapsed = performance.now() - started;
    loop.disable();

    const unexpected = results.filter((r) => r.status !== (r.known ? 200 : 401));
    const ms = (ns: number): string => (ns / 1e6).toFixed(1);
    console.log(
      `login burst: ${REQUESTS} requests, concurrency ${CONCURRENCY}, bcrypt cost ${ROUNDS}, ` +
        `UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}, node ${process.version}`,
    );
    console.log(
      `throughput             ${(REQUESTS / (elapsed / 1000)).toFixed(1)} logins/s over ${(elapsed / 1000).toFixed(2)} s`,
    );
    console.log(
      summary(
        'latency, all',
        results.map((r) => r.ms),
      ),
    );
    console.log(
      summary(
        'latency, known user',
        results.filter((r) => r.known).map((r) => r.ms),
      ),
    );
    console.log(
      summary(
        'latency, unknown user',
        results.filter((r) => !r.known).map((r) => r.ms),
      ),
    );
    console.log(
      `event-loop delay       p50=${ms(loop.percentile(50)).padStart(8)} ms  p99=${ms(loop.percentile(99)).padStart(8)} ms  max=${ms(
        loop.max,
      ).padStart(8)} ms  (sampled every 1 ms)`,
    );
    if (unexpected.length > 0) {
      console.log(`UNEXPECTED statuses: ${JSON.stringify(unexpected.slice(0, 5))}`);
      process.exitCode = 1;
    }
  } finally {
    await app.close();
    await engine.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
