import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AuthCookieJar } from 'src/modules/auth/auth-cookies.util';

const jars = new WeakMap<Request, AuthCookieJar>();

/** The request's cookie jar (created on first use); only meaningful under `AuthCookiesInterceptor`. */
export const AuthCookies = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthCookieJar => {
    const req = ctx.switchToHttp().getRequest<Request>();
    let jar = jars.get(req);
    if (!jar) {
      jar = new AuthCookieJar();
      jars.set(req, jar);
    }
    return jar;
  },
);

export function cookieJarOf(req: Request): AuthCookieJar | undefined {
  return jars.get(req);
}
