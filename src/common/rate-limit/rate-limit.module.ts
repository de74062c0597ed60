import { type ExecutionContext, Module } from '@nestjs/common';
import { ThrottlerModule, type ThrottlerOptions } from '@nestjs/throttler';
import {
  RATE_LIMIT_BUCKET_KEY,
  type RateLimitBucket,
} from 'src/common/rate-limit/rate-limit.decorator';
import { CounterThrottlerStorage } from 'src/common/rate-limit/counter-throttler.storage';
import { GLOBAL_BUCKET } from 'src/common/rate-limit/bucket.util';
import type { AppConfig, RateLimitRule } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.provider';
import { CounterStore } from 'src/infrastructure/counters/counter-store.port';

function bucketOf(context: ExecutionContext): RateLimitBucket | undefined {
  return Reflect.getMetadata(RATE_LIMIT_BUCKET_KEY, context.getHandler()) as
    RateLimitBucket | undefined;
}

function throttler(
  name: string,
  rule: RateLimitRule,
  skipIf?: ThrottlerOptions['skipIf'],
): ThrottlerOptions {
  const ttl = rule.windowSeconds * 1000;
  return { name, limit: rule.limit, ttl, blockDuration: ttl, skipIf };
}

/** The buckets of docs/api.md#rate-limit-buckets; a route bucket applies where a route names it. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, CounterStore],
      useFactory: (config: AppConfig, counters: CounterStore) => {
        const only = (bucket: RateLimitBucket) => (context: ExecutionContext) =>
          bucketOf(context) !== bucket;
        const limits = config.rateLimits;
        return {
          throttlers: [
            throttler(GLOBAL_BUCKET, limits.global),
            throttler('login', limits.login, only('login')),
            throttler('register', limits.register, only('register')),
            throttler('codeCheck', limits.codeCheck, only('codeCheck')),
            throttler('emailSend', limits.emailSend, only('emailSend')),
          ],
          setHeaders: false,
          storage: new CounterThrottlerStorage(counters),
        };
      },
    }),
  ],
  exports: [ThrottlerModule],
})
export class RateLimitModule {}
