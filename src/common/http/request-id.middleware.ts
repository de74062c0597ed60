import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from 'src/common/http/request-context';

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * First middleware of every request (`X-Request-Id` in docs/api.md#requests): keeps a well-formed
 * client id, otherwise makes one.
 */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const offered = req.headers['x-request-id'];
  const requestId = typeof offered === 'string' && CLIENT_ID.test(offered) ? offered : randomUUID();
  req.requestId = requestId;
  res.setHeader(REQUEST_ID_HEADER, requestId);
  requestContext.run({ requestId }, next);
}
