import 'reflect-metadata';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from 'src/app.module';
import { APP_OPTIONS, configureApp } from 'src/app.setup';
import { describeError } from 'src/common/errors/describe-error.util';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.provider';

/**
 * In-flight requests get this long to finish once the listener has closed
 * (docs/api.md#health-and-media).
 */
const DRAIN_LIMIT_MS = 25_000;

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const app = await NestFactory.create<NestExpressApplication>(AppModule, APP_OPTIONS);
  configureApp(app);
  const config = app.get<AppConfig>(APP_CONFIG);
  await app.listen(config.port);
  const server: Server = app.getHttpServer();
  let draining = false;
  // While draining, every answer ends its connection, so keep-alive clients reconnect elsewhere
  // instead of reusing a socket the server is about to close.
  server.prependListener('request', (_req, res) => {
    if (draining) res.setHeader('Connection', 'close');
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      draining = true;
      // Only SIGTERM waits SHUTDOWN_DELAY_MS (terminus) before Nest closes the listener.
      const listening = signal === 'SIGTERM' ? config.shutdownDelayMs : 0;
      setTimeout(() => {
        // Keep-alive connections whose last request just finished would otherwise hold the
        // server open for the whole keep-alive timeout.
        setInterval(() => server.closeIdleConnections(), 200).unref();
      }, listening).unref();
      // Requests still running after the drain limit are cut so the process can exit.
      setTimeout(() => server.closeAllConnections(), listening + DRAIN_LIMIT_MS).unref();
    });
  }
}

bootstrap().catch((error: unknown) => {
  // Configuration and start-up failures: one clear line, no stack, non-zero exit.
  process.stderr.write(`Dancely API failed to start: ${describeError(error)}\n`);
  process.exit(1);
});
