import { Global, Module } from '@nestjs/common';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.provider';
import { CounterStore } from 'src/infrastructure/counters/counter-store.port';
import { MemoryCounterStore } from 'src/infrastructure/counters/memory-counter-store';
import { RedisCounterStore } from 'src/infrastructure/counters/redis-counter-store';

@Global()
@Module({
  providers: [
    {
      provide: CounterStore,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): CounterStore =>
        config.throttleRedisUrl
          ? new RedisCounterStore(config.throttleRedisUrl, config.database.operationTimeoutMs)
          : new MemoryCounterStore(),
    },
  ],
  exports: [CounterStore],
})
export class CounterStoreModule {}
