import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Connection } from 'mongoose';
import { AppModule } from 'src/app.module';
import { configureApp } from 'src/app.setup';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.provider';
import { DatabaseSupervisorService } from 'src/infrastructure/database/database-supervisor.service';
import type { TestApp } from 'test/utils/test-app';

export interface MeasuredApp {
  app: NestExpressApplication;
  /** For the test factories (`createVerifiedUser`); closing it closes the app. */
  harness: TestApp;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
}

/**
 * The real application in this process, for the measure scripts (`measure-transcode`,
 * `measure-upload-rss`): test mode, quiet logs, cheap hashing, local media, and every directory
 * it writes under `scratch`; `env` adds to or overrides that. Listens on a free local port and
 * resolves once the database is up.
 */
export async function startMeasuredApp(
  mongoUri: string,
  scratch: string,
  env: Record<string, string>,
): Promise<MeasuredApp> {
  Object.assign(process.env, {
    NODE_ENV: 'test',
    MONGODB_URI: mongoUri,
    LOG_LEVEL: 'error',
    LOG_FILES: 'false',
    BCRYPT_ROUNDS: '4',
    MEDIA_STORAGE: 'local',
    MEDIA_LOCAL_DIR: join(scratch, 'media'),
    UPLOAD_TMP_DIR: join(scratch, 'uploads'),
    RESUMABLE_UPLOAD_DIR: join(scratch, 'resumable-uploads'),
    MAIL_OUTBOX_DIR: join(scratch, 'outbox'),
    ...env,
  });
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    logger: ['error'],
  });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  await app.get(DatabaseSupervisorService).whenReady();
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    harness: {
      app,
      config: app.get<AppConfig>(APP_CONFIG),
      connection: app.get<Connection>(getConnectionToken()),
      dir: scratch,
      close: () => app.close(),
    },
    origin: `http://127.0.0.1:${port}`,
  };
}
