import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.provider';
import { TranscoderModule } from 'src/infrastructure/transcoder/transcoder.module';
import { DatabaseHealthIndicator } from 'src/modules/health/database.health';
import { HealthController } from 'src/modules/health/health.controller';

@Module({
  imports: [
    TranscoderModule,
    // On SIGTERM, terminus answers readiness with 503 `shutting_down` and waits
    // SHUTDOWN_DELAY_MS before Nest closes the listener (docs/api.md#health-and-media).
    TerminusModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        logger: false,
        gracefulShutdownTimeoutMs: config.shutdownDelayMs,
      }),
    }),
  ],
  controllers: [HealthController],
  providers: [DatabaseHealthIndicator],
})
export class HealthModule {}
