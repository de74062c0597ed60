import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import {
  type JwtFromRequestFunction,
  Strategy,
  type StrategyOptionsWithoutRequest,
} from 'passport-jwt';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import {
  ACCESS_TOKEN_STRATEGIES,
  AuthPassportService,
} from 'src/common/auth/auth-passport.service';
import { ACCESS_COOKIE, bearerToken, cookieValue } from 'src/common/auth/credentials.util';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { SessionsService } from 'src/modules/auth/sessions.service';

const [BEARER_STRATEGY, COOKIE_STRATEGY] = ACCESS_TOKEN_STRATEGIES;

/** passport-jwt checks the signature (HS256 with the access secret only), then the expiry. */
function verifying(
  config: AppConfig,
  jwtFromRequest: JwtFromRequestFunction,
): StrategyOptionsWithoutRequest {
  return { jwtFromRequest, secretOrKey: config.auth.accessSecret, algorithms: ['HS256'] };
}

/**
 * First (docs/api.md#credentials): `Authorization: Bearer <token>` (any case of the scheme; another
 * scheme is ignored). A token authenticates only with a live session of a verified user
 * (`SessionsService.authenticate`: two lookups by unique key), checked on every request, so
 * revocation is immediate.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, BEARER_STRATEGY) {
  constructor(
    private readonly sessions: SessionsService,
    passport: AuthPassportService,
    @InjectConfig() config: AppConfig,
  ) {
    super(verifying(config, (req: Request) => bearerToken(req) ?? null));
    // The mixin has registered this strategy in passport's process-wide registry too; the guard
    // only ever asks this application's own.
    passport.use(BEARER_STRATEGY, this);
  }

  validate(claims: unknown): Promise<AuthPrincipal | null> {
    return this.sessions.authenticate(claims);
  }
}

/**
 * Then: the `accessToken` cookie, run by passport only when the header did not
 * authenticate. A cookie holding the header's own token is not judged twice.
 */
@Injectable()
export class JwtCookieStrategy extends PassportStrategy(Strategy, COOKIE_STRATEGY) {
  constructor(
    private readonly sessions: SessionsService,
    passport: AuthPassportService,
    @InjectConfig() config: AppConfig,
  ) {
    super(verifying(config, cookieUnlessBearer));
    passport.use(COOKIE_STRATEGY, this);
  }

  validate(claims: unknown): Promise<AuthPrincipal | null> {
    return this.sessions.authenticate(claims);
  }
}

function cookieUnlessBearer(req: Request): string | null {
  const cookie = cookieValue(req, ACCESS_COOKIE);
  return cookie !== undefined && cookie !== bearerToken(req) ? cookie : null;
}
