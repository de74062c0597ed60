import { Global, Module } from '@nestjs/common';
import { DatabaseModule } from 'src/infrastructure/database/database.module';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';

/**
 * Background jobs (BullMQ on Redis when THROTTLE_REDIS_URL is set, in-process queues otherwise),
 * available everywhere like the metrics they report to. The database module tells the Redis
 * workers when they may start.
 */
@Global()
@Module({
  imports: [DatabaseModule],
  providers: [JobQueues],
  exports: [JobQueues],
})
export class JobsModule {}
