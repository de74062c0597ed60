import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { errorTrace } from 'src/common/errors/describe-error.util';
import { writeErrorResponse } from 'src/common/errors/error-body.util';
import { toAppException } from 'src/common/errors/error-mapping.util';

const logger = new Logger('ExpressErrors');

/** Errors raised by plain Express middleware (before Nest's filters) still leave as the JSON error body. */
export function expressErrorMiddleware(exposeStack: boolean) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { exception, unexpected } = toAppException(error);
    if (unexpected)
      logger.error(`Unexpected middleware error on ${req.method} ${req.path}`, errorTrace(error));
    writeErrorResponse(
      res,
      exception,
      req.requestId,
      exposeStack && error instanceof Error ? error.stack : undefined,
    );
  };
}
