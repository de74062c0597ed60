import type { HealthCheckResult } from '@nestjs/terminus';
import type { Request, Response } from 'express';

/** Liveness (contract §11): the process runs and serves HTTP; nothing else is checked. */
export const LIVENESS_PATH = '/health/live';

/**
 * Served as a plain Express route registered by `configureApp()` after the request id, access
 * log, helmet, CORS, cookie and unknown-root middleware, so the answer carries every header it
 * always had, but without Nest's guard, interceptor and pipe machinery: for this route every
 * step of it is a no-op by declaration (public, outside every rate-limit bucket, no params, no
 * body, no envelope), yet it cost about half of the CPU of each probe. `res.json()` is what
 * Nest's Express adapter calls, so body, ETag, 304 and HEAD behave exactly as before.
 */
export function livenessHandler(_req: Request, res: Response): void {
  const body: HealthCheckResult = { status: 'ok', info: {}, error: {}, details: {} };
  res.json(body);
}
