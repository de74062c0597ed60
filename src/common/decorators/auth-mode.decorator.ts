import { SetMetadata } from '@nestjs/common';

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

export const Public = (): MethodDecorator & ClassDecorator =>
  SetMetadata(AUTH_MODE_KEY, AuthMode.Public);
export const GuestOnly = (): MethodDecorator & ClassDecorator =>
  SetMetadata(AUTH_MODE_KEY, AuthMode.Guest);
export const OptionalAuth = (): MethodDecorator & ClassDecorator =>
  SetMetadata(AUTH_MODE_KEY, AuthMode.Optional);
export const RequiredAuth = (): MethodDecorator & ClassDecorator =>
  SetMetadata(AUTH_MODE_KEY, AuthMode.Required);
export const RefreshTokenAuth = (): MethodDecorator & ClassDecorator =>
  SetMetadata(AUTH_MODE_KEY, AuthMode.RefreshToken);
export const RelaxedRequiredAuth = (): MethodDecorator & ClassDecorator =>
  SetMetadata(AUTH_MODE_KEY, AuthMode.RelaxedRequired);
