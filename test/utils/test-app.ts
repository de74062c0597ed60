import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { Connection } from 'mongoose';
import { getConnectionToken } from '@nestjs/mongoose';
import { AppModule } from 'src/app.module';
import { APP_OPTIONS, configureApp } from 'src/app.setup';
import { type AppConfig, loadAppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.provider';
import { VideoProcessingService } from 'src/modules/videos/video-processing.service';
import { DatabaseSupervisorService } from 'src/infrastructure/database/database-supervisor.service';
import { recordQueryShapes, saveSuiteShapes } from 'test/utils/query-shapes';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  connection: Connection;
  /** Scratch directory holding media, outbox and upload temp dirs of this app. */
  dir: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra modules, e.g. a probe controller exercising cross-cutting behaviour. */
  imports?: ModuleImport[];
  /** Skip waiting for the database (outage tests). */
  waitForDatabase?: boolean;
}

type ModuleImport = NonNullable<Parameters<typeof Test.createTestingModule>[0]['imports']>[number];

/**
 * Boots the real AppModule through the same `configureApp()` as production, against the
 * embedded engine started by the global setup, on a database of its own. The query shapes its
 * requests send are saved for the index audit (`test/foundation/index-audit.e2e-spec.ts`), which
 * runs last; pass `DB_MONITOR_COMMANDS: 'false'` (or `METRICS_ENABLED: 'false'`) to leave an app out.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const base = process.env.TEST_MONGODB_URI;
  if (!base) throw new Error('TEST_MONGODB_URI is not set: the e2e global setup did not run');
  const dir = mkdtempSync(join(tmpdir(), 'dancely-test-'));
  const name = `t_${randomBytes(6).toString('hex')}`;
  const config = loadAppConfig({
    NODE_ENV: 'test',
    MONGODB_URI: `${base}/${name}`,
    // Job queues of their own when several apps share one Redis (a test sharing them sets its own).
    JOBS_PREFIX: `dancely-test:${name}`,
    // `TEST_THROTTLE_REDIS_URL=redis://… npm run test:e2e -- feed`: the suites on Redis-backed
    // counters and job queues (docs/architecture.md, "Background jobs").
    ...(process.env.TEST_THROTTLE_REDIS_URL
      ? { THROTTLE_REDIS_URL: process.env.TEST_THROTTLE_REDIS_URL }
      : {}),
    LOG_LEVEL: 'error',
    LOG_FILES: 'false',
    BCRYPT_ROUNDS: '4',
    MEDIA_LOCAL_DIR: join(dir, 'media'),
    MAIL_OUTBOX_DIR: join(dir, 'outbox'),
    UPLOAD_TMP_DIR: join(dir, 'uploads'),
    DB_OPERATION_TIMEOUT_MS: '2000',
    // Uploads stay off ffmpeg unless a test transcodes (test/uploads/video-processing).
    VIDEO_TRANSCODING: 'off',
    // Monitoring on for the index audit, except where a test turns metrics off and checks that
    // monitoring follows them (the production default).
    ...(env.METRICS_ENABLED === 'false' ? {} : { DB_MONITOR_COMMANDS: 'true' }),
    ...env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule, ...(options.imports ?? [])],
  })
    .overrideProvider(APP_CONFIG)
    .useValue(config)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>(APP_OPTIONS);
  configureApp(app);
  await app.init();
  if (options.waitForDatabase !== false) {
    await app.get(DatabaseSupervisorService).whenReady();
    // The boot's own queries (unfinished processing picked up) are over before a test counts any.
    await app.get(VideoProcessingService).whenResumed();
  }
  const connection = app.get<Connection>(getConnectionToken());
  // An app that does not wait for its database may get its driver client later (outage tests).
  const shapes =
    config.database.monitorCommands && options.waitForDatabase !== false
      ? recordQueryShapes(connection, { requestsOnly: true })
      : null;
  return {
    app,
    config,
    connection,
    dir,
    close: async () => {
      if (shapes) {
        shapes.stop();
        saveSuiteShapes(shapes.shapes.values());
      }
      await connection.dropDatabase().catch(() => undefined);
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
