import type { ThrottlerStorage } from '@nestjs/throttler';
import type { NextFunction, Request, Response } from 'express';
import { writeErrorResponse } from 'src/common/errors/error-body.util';
import { GLOBAL_BUCKET, hitBucket } from 'src/common/rate-limit/bucket.util';
import { RateLimitErrors } from 'src/common/rate-limit/rate-limit.errors';
import type { RateLimitRule } from 'src/config/app-config';

/** The docs are served by Swagger's own Express routes, outside the guards, yet count in the global bucket. */
export function docsRateLimitMiddleware(storage: ThrottlerStorage, rule: RateLimitRule) {
  return (req: Request, res: Response, next: NextFunction): void => {
    hitBucket(storage, GLOBAL_BUCKET, rule, req, res)
      .then((result) => {
        if (!result.allowed) {
          writeErrorResponse(res, RateLimitErrors.tooManyRequests(result.headers), req.requestId);
          return;
        }
        next();
      })
      .catch(next);
  };
}
