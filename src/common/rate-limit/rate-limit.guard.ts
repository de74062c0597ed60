import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerRequest } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { clientIpKey } from 'src/common/http/client-ip.util';
import { perRoute } from 'src/common/decorators/route-metadata.util';
import { hitBucket } from 'src/common/rate-limit/bucket.util';
import { NO_RATE_LIMIT } from 'src/common/rate-limit/no-rate-limit.decorator';
import { RateLimitErrors } from 'src/common/rate-limit/rate-limit.errors';

export const GLOBAL_BUCKET = 'global';

const PASS = Promise.resolve(true);

/**
 * @nestjs/throttler with our wire format (docs/api.md#rate-limit-headers): counters are per IP and
 * bucket (not per route), the global bucket's X-RateLimit-* headers go on every response, and a
 * refusal is the JSON error body with Retry-After and the refusing bucket's headers.
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
    const name = throttler.name ?? GLOBAL_BUCKET;
    const result = await hitBucket(
      this.storageService,
      name,
      clientIpKey(http.getRequest<Request>()),
      {
        limit,
        windowSeconds: ttl / 1000,
      },
    );
    if (!result.allowed) {
      throw RateLimitErrors.tooManyRequests(result.headers);
    }
    if (name === GLOBAL_BUCKET) {
      const res = http.getResponse<Response>();
      for (const [header, value] of Object.entries(result.headers)) res.setHeader(header, value);
    }
    return true;
  }
}
