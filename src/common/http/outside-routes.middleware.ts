import type { NextFunction, Request, Response } from 'express';
import { AppException } from 'src/common/errors/app.exception';
import { writeErrorResponse } from 'src/common/errors/error-body.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';

/**
 * Nest answers unknown paths with its JSON 404 only under the global prefix and the excluded
 * routes; everything else would reach Express's HTML page. No route exists outside these roots.
 */
export function outsideRoutesMiddleware(roots: string[]) {
  const served = new RegExp(`^/(${roots.join('|')})(/|$)`);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (served.test(req.path)) {
      next();
      return;
    }
    writeErrorResponse(res, new AppException(ErrorCode.ROUTE_NOT_FOUND), req.requestId);
  };
}
