import { NestFactory } from '@nestjs/core';
import { WINSTON_MODULE_NEST_PROVIDER } from 'nest-winston';
import { type AppConfig, loadAppConfig } from 'src/config/app-config';
import { CountersReconcileService } from 'src/features/counters/counters-reconcile.service';
import { ReconcileCommandModule } from 'src/features/counters/reconcile-command.module';
import type { ReconcileReport } from 'src/features/counters/reconcile-report.type';
import { DatabaseSupervisorService } from 'src/infrastructure/database/database-supervisor.service';

/** How long the command waits for the database (connected, indexes ensured) before giving up. */
const DATABASE_READY_TIMEOUT_MS = 60_000;

/**
 * The service's configuration for a one-off run next to the serving instances: no metrics (nobody
 * scrapes this process, and `METRICS_PORT` is the service's), no schedule, rate-limit counters
 * and job queues in memory (the command counts and enqueues nothing), and no video processing
 * (the serving instances own it: the command neither transcodes nor touches unfinished runs).
 */
export function commandConfig(config: AppConfig): AppConfig {
  return {
    ...config,
    database: { ...config.database, monitorCommands: false },
    metrics: { enabled: false, port: null },
    throttleRedisUrl: undefined,
    counters: { ...config.counters, reconcileIntervalMinutes: 0 },
    media: {
      ...config.media,
      processing: { ...config.media.processing, transcoding: 'off', resumeAtBoot: false },
    },
  };
}

/**
 * `npm run reconcile`: one full reconcile run against the configured database (`MONGODB_URI`, or
 * the embedded engine's data file as `npm start` uses it), then a clean shutdown. Resolves with the
 * report; rejects when the configuration, the database or the run fails.
 */
export async function runReconcileCommand(
  env: Record<string, string | undefined>,
): Promise<ReconcileReport> {
  const config = commandConfig(loadAppConfig(env));
  const app = await NestFactory.createApplicationContext(ReconcileCommandModule.forConfig(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(WINSTON_MODULE_NEST_PROVIDER));
  try {
    await withTimeout(
      app.get(DatabaseSupervisorService).whenReady(),
      DATABASE_READY_TIMEOUT_MS,
      `the database was not ready within ${DATABASE_READY_TIMEOUT_MS / 1000} s`,
    );
    return await app.get(CountersReconcileService).reconcileAll();
  } finally {
    await app.close();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
