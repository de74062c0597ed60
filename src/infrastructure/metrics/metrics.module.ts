import { Global, Module } from '@nestjs/common';
import { DbCommandMetricsService } from 'src/infrastructure/metrics/db-command-metrics.service';
import { MetricsServerService } from 'src/infrastructure/metrics/metrics-server.service';
import { MetricsService } from 'src/infrastructure/metrics/metrics.service';

/**
 * Prometheus metrics. Global like the counter store, so a job that reports into them (the
 * counters reconcile job) injects `MetricsService` without importing infrastructure modules.
 * The main-port route is registered by `configureApp()` (`metrics.route.ts`).
 */
@Global()
@Module({
  providers: [MetricsService, DbCommandMetricsService, MetricsServerService],
  exports: [MetricsService],
})
export class MetricsModule {}
