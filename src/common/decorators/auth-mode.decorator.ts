import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

/** The modes of docs/api.md#auth-modes. Every route declares exactly one; a meta-test checks. */
export enum AuthMode {
  Public = 'public',
  Guest = 'guest',
  Optional = 'optional',
  Required = 'required',
  /** `POST /auth/refresh-token`: the auth service itself checks the refresh token. */
  RefreshToken = 'refresh-token',
  /**
   * `POST /auth/logout`: required, but relaxed: an expired access token or the refresh token
   * identifies the session.
   */
  RelaxedRequired = 'relaxed-required',
}

export const AUTH_MODE_KEY = 'dancely:auth-mode';
/** Carries the mode into the OpenAPI document, where `buildOpenApiDocument` turns it into security and 401s. */
export const AUTH_MODE_EXTENSION = 'x-dancely-auth';

function declare(mode: AuthMode): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(AUTH_MODE_KEY, mode), ApiExtension(AUTH_MODE_EXTENSION, mode));
}

export const Public = (): MethodDecorator & ClassDecorator => declare(AuthMode.Public);
export const GuestOnly = (): MethodDecorator & ClassDecorator => declare(AuthMode.Guest);
export const OptionalAuth = (): MethodDecorator & ClassDecorator => declare(AuthMode.Optional);
export const RequiredAuth = (): MethodDecorator & ClassDecorator => declare(AuthMode.Required);
export const RefreshTokenAuth = (): MethodDecorator & ClassDecorator =>
  declare(AuthMode.RefreshToken);
export const RelaxedRequiredAuth = (): MethodDecorator & ClassDecorator =>
  declare(AuthMode.RelaxedRequired);
