import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'winston';

/** Told of every finished request with its duration (the request-duration histogram). */
export type RequestObserver = (req: Request, res: Response, durationSeconds: number) => void;

/**
 * One line per request: method, path (never the query string), status, duration, request id.
 * The same timing feeds the `observe` callback, if any, so a request is timed once for both.
 * When the logger's level drops info lines (e.g. LOG_LEVEL=error) and nothing observes, nothing
 * is timed, listened for or formatted: winston would only discard the line after building it.
 */
export function accessLogMiddleware(logger: Logger, observe?: RequestObserver) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const logs = logger.isLevelEnabled('info');
    if (!logs && !observe) {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      observe?.(req, res, durationMs / 1000);
      if (!logs) return;
      logger.info('request', {
        context: 'http',
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
        requestId: req.requestId,
      });
    });
    next();
  };
}
