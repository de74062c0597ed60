import { Global, Module } from '@nestjs/common';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.provider';
import { MemoryPubSub } from 'src/infrastructure/pubsub/memory-pubsub';
import { PubSub } from 'src/infrastructure/pubsub/pubsub.port';
import { RedisPubSub } from 'src/infrastructure/pubsub/redis-pubsub';

/** Pub/sub between instances: on the Redis of `THROTTLE_REDIS_URL` when set, else in-process. */
@Global()
@Module({
  providers: [
    {
      provide: PubSub,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): PubSub =>
        config.throttleRedisUrl
          ? new RedisPubSub(config.throttleRedisUrl, config.database.operationTimeoutMs)
          : new MemoryPubSub(),
    },
  ],
  exports: [PubSub],
})
export class PubSubModule {}
