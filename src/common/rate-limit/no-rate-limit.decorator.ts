import { SkipThrottle } from '@nestjs/throttler';
import { RATE_LIMIT_BUCKETS } from 'src/common/rate-limit/rate-limit.decorator';

/** Health and media are outside every bucket (contract §1.14). */
export const NoRateLimit = (): MethodDecorator & ClassDecorator =>
  SkipThrottle(Object.fromEntries(['global', ...RATE_LIMIT_BUCKETS].map((name) => [name, true])));
