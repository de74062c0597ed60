import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

/** Contract §1.7. Every route declares exactly one; a meta-test enforces it. */
export enum AuthMode {
  Public = 'public',
  Guest = 'guest',
  Optional = 'optional',
  Required = 'required',
  /** A6: authenticated by the refresh token, checked by the auth service itself. */
  RefreshToken = 'refresh-token',
  /** A11: required, but relaxed (expired access token or refresh token identify the session). */
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
