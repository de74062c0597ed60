import { applyDecorators, SetMetadata } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { RATE_LIMIT_BUCKETS } from 'src/common/rate-limit/rate-limit.decorator';

/** Marks a route (or controller) that no bucket counts; read once per route by the guard. */
export const NO_RATE_LIMIT = 'dancely:noRateLimit';

/**
 * Health and media are outside every bucket (docs/api.md#health-and-media). `SkipThrottle` tells
 * the throttler itself; our own marker lets `RateLimitGuard` pass such routes without asking per
 * bucket.
 */
export const NoRateLimit = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SkipThrottle(Object.fromEntries(['global', ...RATE_LIMIT_BUCKETS].map((name) => [name, true]))),
    SetMetadata(NO_RATE_LIMIT, true),
  );
