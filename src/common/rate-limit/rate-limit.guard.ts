import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerRequest } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { perRoute } from 'src/common/decorators/route-metadata.util';
import { GLOBAL_BUCKET, hitBucket } from 'src/common/rate-limit/bucket.util';
import { NO_RATE_LIMIT } from 'src/common/rate-limit/no-rate-limit.decorator';
import { RateLimitErrors } from 'src/common/rate-limit/rate-limit.errors';

const PASS = Promise.resolve(true);

/**
 * @nestjs/throttler with our wire format (docs/api.md#rate-limit-headers): counters are per IP and
 * bucket (not per route); every limited response lists its buckets in `RateLimit-Policy` /
 * `RateLimit` and carries the global bucket's X-RateLimit-* headers; a refusal is the JSON error
 * body with Retry-After and the refusing bucket's headers (all written by `hitBucket`).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  /** True where `@NoRateLimit()` exempts the route (or its controller) from every bucket. */
  private readonly exempt = perRoute((handler, controller) =>
    Boolean(
      this.reflector.getAllAndOverride<boolean | undefined>(NO_RATE_LIMIT, [handler, controller]),
    ),
  );

  /**
   * Exempt routes pass without counting, decided once per route instead of once per bucket and
   * request; the base guard (and its own per-bucket skip rule) handles every other route.
   */
  override canActivate(context: ExecutionContext): Promise<boolean> {
    return this.exempt(context) ? PASS : super.canActivate(context);
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler } = props;
    const http = context.switchToHttp();
    const result = await hitBucket(
      this.storageService,
      throttler.name ?? GLOBAL_BUCKET,
      { limit, windowSeconds: ttl / 1000 },
      http.getRequest<Request>(),
      http.getResponse<Response>(),
    );
    if (!result.allowed) {
      throw RateLimitErrors.tooManyRequests(result.headers);
    }
    return true;
  }
}
