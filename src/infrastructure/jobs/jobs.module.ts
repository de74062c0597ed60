import { Global, Module } from '@nestjs/common';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';

/** Background jobs (in-process queues), available everywhere like the metrics they report to. */
@Global()
@Module({
  providers: [JobQueues],
  exports: [JobQueues],
})
export class JobsModule {}
