import { type DynamicModule, Global, Module } from '@nestjs/common';
import { WinstonModule } from 'nest-winston';
import { DomainEventsModule } from 'src/common/events/domain-events.module';
import { IdempotencyModule } from 'src/common/idempotency/idempotency.module';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.provider';
import { CountersModule } from 'src/features/counters/counters.module';
import { CounterStoreModule } from 'src/infrastructure/counters/counter-store.module';
import { DatabaseModule } from 'src/infrastructure/database/database.module';
import { JobsModule } from 'src/infrastructure/jobs/jobs.module';
import { loggerOptions } from 'src/infrastructure/logging/logger.factory';
import { MetricsModule } from 'src/infrastructure/metrics/metrics.module';

/** The command's configuration, given as a value (see `commandConfig`). */
@Global()
@Module({})
class CommandConfigModule {
  static of(config: AppConfig): DynamicModule {
    return {
      module: CommandConfigModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}

/**
 * What `npm run reconcile` boots: the database (as `npm start` resolves it), the domains the job
 * reads through, and the job. No HTTP server, guards, health or media routes; logs go to stderr,
 * so stdout carries only the report.
 */
@Module({})
export class ReconcileCommandModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: ReconcileCommandModule,
      imports: [
        CommandConfigModule.of(config),
        WinstonModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (injected: AppConfig) => loggerOptions(injected, { console: 'stderr' }),
        }),
        DatabaseModule,
        MetricsModule,
        CounterStoreModule,
        DomainEventsModule,
        // The domains' controllers come along with their modules; their `@Idempotent()` routes
        // need the key store to resolve, though the command never serves them.
        IdempotencyModule,
        // Likewise the queues the domains create (video processing), which the command never fills.
        JobsModule,
        CountersModule,
      ],
    };
  }
}
