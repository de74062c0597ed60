import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ACCESS_COOKIE, cookieValue, REFRESH_COOKIE } from 'src/common/auth/credentials.util';
import { noneMatchFails, strongEtag } from 'src/common/http/entity-tag.util';

/** Never stored by any cache: every write, every error, and account data read with credentials. */
export const NO_STORE = 'private, no-store';
/** A personal read: the caller's own cache may keep it, but revalidates it (ETag) before every use. */
export const PRIVATE_REVALIDATE = 'private, no-cache';
/** An anonymous read: any cache may keep it, revalidated (ETag) before every use. */
export const PUBLIC_REVALIDATE = 'public, max-age=0, must-revalidate';

export interface HttpCachingOptions {
  /** Path prefixes whose reads with credentials are never stored (the account: email, sessions). */
  noStorePrefixes: string[];
}

/**
 * Conditional requests and caching (docs/api.md#caching), for every response
 * of the app, so no route can forget them:
 *
 * - `Cache-Control`, decided from the request alone: a read (`GET`/`HEAD`) sent without
 *   credentials is public and revalidated; a read sent with credentials (an `Authorization`
 *   header, an access or refresh cookie) is private and revalidated, except under
 *   `noStorePrefixes`; anything else is `no-store`. Errors are `no-store` whatever the request
 *   (`writeErrorResponse`), and a handler may still choose its own value (immutable media).
 * - A read answered 200 gets a strong `ETag` over the exact bytes sent (`strongEtag`), unless the
 *   handler set one (the liveness probe's precomputed tag); an `If-None-Match` that matches it
 *   (weak comparison, `*` included) turns the answer into a 304 without a body, with the same
 *   `ETag` and `Cache-Control`. Every response body goes through `res.send` (`res.json` calls it
 *   with the serialised string), which is wrapped here for reads; Express's own ETag is off.
 *
 * Revalidation is safe for personal answers because the tag covers the exact bytes: a cached
 * copy is only ever confirmed (304) when the caller's current answer is byte for byte the same.
 * The handler still runs before the 304, with its side effects (docs/api.md#caching).
 */
export function httpCachingMiddleware(options: HttpCachingOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const read = req.method === 'GET' || req.method === 'HEAD';
    res.setHeader('Cache-Control', read ? readCacheControl(req, options) : NO_STORE);
    if (read) tagReads(req, res);
    next();
  };
}

function readCacheControl(req: Request, options: HttpCachingOptions): string {
  if (!carriesCredentials(req)) return PUBLIC_REVALIDATE;
  return options.noStorePrefixes.some((prefix) => req.path.startsWith(prefix))
    ? NO_STORE
    : PRIVATE_REVALIDATE;
}

function carriesCredentials(req: Request): boolean {
  return (
    req.headers.authorization !== undefined ||
    cookieValue(req, ACCESS_COOKIE) !== undefined ||
    cookieValue(req, REFRESH_COOKIE) !== undefined
  );
}

/**
 * Wraps this response's `send`: a 200 body (a string or bytes; `res.json` and an object passed to
 * `send` come back here serialised) gets its strong tag, then `If-None-Match` is evaluated.
 * Express's `send` then strips the body and the content headers of a 304, and of any HEAD. Its
 * own freshness check (`req.fresh`, which also reads `If-Modified-Since` and parses the list its
 * own way) is switched off for this request, so the rules above are the only ones.
 */
function tagReads(req: Request, res: Response): void {
  Object.defineProperty(req, 'fresh', { value: false });
  const send = res.send.bind(res);
  res.send = function sendTagged(body?: unknown): Response {
    if (res.statusCode === 200) {
      if ((typeof body === 'string' || Buffer.isBuffer(body)) && !res.hasHeader('ETag'))
        res.setHeader('ETag', strongEtag(body));
      const etag = res.getHeader('ETag');
      if (typeof etag === 'string' && noneMatchFails(req.headers['if-none-match'], etag))
        res.status(304);
    }
    return send(body);
  };
}
