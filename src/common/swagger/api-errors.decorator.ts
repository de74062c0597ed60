import { applyDecorators } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

/** `status → "CODE: message"` lines of one route's own failures (beyond the common ones). */
export type RouteErrors = Partial<
  Record<400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 502 | 503, string[]>
>;

export const ROUTE_ERRORS_EXTENSION = 'x-dancely-errors';

/**
 * Declares a route's specific failures, e.g. `@ApiErrors({ 404: ['NOT_FOUND: Video not found'] })`.
 * `buildOpenApiDocument` turns them, plus the failures every route shares, into responses that
 * all use the error body schema.
 */
export function ApiErrors(errors: RouteErrors): MethodDecorator {
  return applyDecorators(ApiExtension(ROUTE_ERRORS_EXTENSION, errors));
}
