import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'winston';

/**
 * One line per request: method, path (never the query string), status, duration, request id.
 * When the logger's level drops info lines (e.g. LOG_LEVEL=error), nothing is timed, listened
 * for or formatted: winston would only discard the line after building it.
 */
export function accessLogMiddleware(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!logger.isLevelEnabled('info')) {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
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
