import type { NextFunction, Request, Response } from 'express';
import { ACCESS_COOKIE, cookieValue, REFRESH_COOKIE } from 'src/common/auth/credentials.util';

/** Never stored by any cache: anything that may depend on the caller, and every error. */
export const PERSONAL_CACHE_CONTROL = 'private, no-store';
/** Storable, but revalidated (ETag) before every use. */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=0, must-revalidate';

const READS = new Set(['GET', 'HEAD']);

/**
 * `Cache-Control` for every response (docs/api.md#caching), decided from the request alone, so no
 * route can forget it: a read by a caller who sent no credentials is public; anything sent with
 * credentials (an `Authorization` header, an access or refresh cookie) or that writes is personal.
 * A required-auth route answers an anonymous caller with an error, and errors are always
 * personal (`writeErrorResponse`). A handler may still choose its own value (immutable media).
 */
export function cacheControlMiddleware(req: Request, res: Response, next: NextFunction): void {
  res.setHeader(
    'Cache-Control',
    READS.has(req.method) && !carriesCredentials(req)
      ? PUBLIC_CACHE_CONTROL
      : PERSONAL_CACHE_CONTROL,
  );
  next();
}

function carriesCredentials(req: Request): boolean {
  return (
    req.headers.authorization !== undefined ||
    cookieValue(req, ACCESS_COOKIE) !== undefined ||
    cookieValue(req, REFRESH_COOKIE) !== undefined
  );
}
