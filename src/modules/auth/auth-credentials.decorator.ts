import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import {
  accessCredentials,
  bearerToken,
  cookieValue,
  REFRESH_COOKIE,
} from 'src/common/auth/credentials.util';
import type { LogoutCredentials } from 'src/modules/auth/sessions.service';

/** For `POST /auth/refresh-token`: the `refreshToken` cookie, or else the Bearer header. */
export const RefreshCredential = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | undefined => {
    const req = ctx.switchToHttp().getRequest<Request>();
    return cookieValue(req, REFRESH_COOKIE) ?? bearerToken(req);
  },
);

/**
 * For the relaxed logout (`POST /auth/logout`), the caller if an access token authenticated (the
 * guard runs the strategies in this mode too), the access credentials (header, cookie) and the
 * refresh token.
 */
export const SessionCredentials = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): LogoutCredentials => {
    const req = ctx.switchToHttp().getRequest<Request>();
    return {
      principal: req.principal ?? null,
      access: accessCredentials(req),
      refreshToken: cookieValue(req, REFRESH_COOKIE) ?? bearerToken(req),
    };
  },
);
