import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from 'src/infrastructure/metrics/metrics.service';

/** Outside `/api/v1` like the health probes: it is for the monitoring system, not for clients. */
export const METRICS_PATH = '/metrics';

/** A snapshot of ever-changing values: no cache may keep it. */
const METRICS_CACHE_CONTROL = 'no-store';

/**
 * `GET /metrics` on the main port. Like `GET /health/live` it is a plain Express route registered
 * by `configureApp()` after the request id, access log, helmet, CORS and unknown-root middleware
 * and before Nest's router: it is in no rate-limit bucket and needs no authentication, no
 * parameters and no envelope, and it is not an API operation (the OpenAPI document stays
 * the same). `res.send()` answers HEAD too.
 */
export function metricsHandler(metrics: MetricsService) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    metrics.render().then((text) => {
      res.setHeader('Content-Type', metrics.contentType);
      res.setHeader('Cache-Control', METRICS_CACHE_CONTROL);
      res.send(text);
    }, next);
  };
}
