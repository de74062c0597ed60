import type { HealthCheckResult } from '@nestjs/terminus';
import type { Request, Response } from 'express';
import { strongEtag } from 'src/common/http/entity-tag.util';

/** Liveness (docs/api.md#health-and-media): the process serves HTTP; nothing else is checked. */
export const LIVENESS_PATH = '/health/live';

const LIVENESS_RESULT: HealthCheckResult = { status: 'ok', info: {}, error: {}, details: {} };
/** The body never changes, so it is serialised, and its ETag (`strongEtag`, as for every read) computed, once. */
const LIVENESS_BODY = Buffer.from(JSON.stringify(LIVENESS_RESULT));
const LIVENESS_ETAG = strongEtag(LIVENESS_BODY);

/**
 * Served as a plain Express route registered by `configureApp()` after the request id, access
 * log, helmet, CORS, cookie and unknown-root middleware, so the answer carries every header it
 * always had, but without Nest's guard, interceptor and pipe machinery: for this route every
 * step of it is a no-op by declaration (public, outside every rate-limit bucket, no params, no
 * body, no envelope), yet it cost about half of the CPU of each probe.
 *
 * The headers are the ones `res.json()` (what Nest's Express adapter calls) would set, in the
 * same order; `res.send()` of a Buffer with the ETag already present skips re-serialising,
 * charset parsing and hashing, and still answers conditional requests (304) and HEAD.
 */
export function livenessHandler(_req: Request, res: Response): void {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(LIVENESS_BODY.length));
  res.setHeader('ETag', LIVENESS_ETAG);
  res.send(LIVENESS_BODY);
}
