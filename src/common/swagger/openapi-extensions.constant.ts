import type { EncodingObject, SchemaObject } from '@nestjs/swagger';
import type { ErrorDefinition } from 'src/common/errors/define-error.util';

/*
 * Route metadata that decorators leave in the generated document for `completeOperations` to
 * turn into security, responses and request bodies; none of these keys reaches clients.
 */

/** The route's own failures (`@Endpoint({ errors })`), as plain `ErrorDefinition`s. */
export const ROUTE_ERRORS_EXTENSION = 'x-dancely-errors';

/**
 * A route that honours `Idempotency-Key` (`@Idempotent()`): the failures the key adds, as plain
 * `ErrorDefinition`s; its success responses also get the replay header.
 */
export const IDEMPOTENCY_EXTENSION = 'x-dancely-idempotency';

/** What `@MultipartUpload()` enforces: the file fields and their failures. */
export const MULTIPART_EXTENSION = 'x-dancely-multipart';

export interface MultipartDescription {
  /** The request body as a whole. */
  description: string;
  /** One binary property per file field. */
  files: Record<string, SchemaObject>;
  /** The content types each file field accepts. */
  encoding: EncodingObject;
  errors: ErrorDefinition[];
  /** File fields a text field may replace (`video` ↔ `uploadId`): not required. */
  replaceable?: string[];
}

/** A copy without the factory, so the extension holds data only. */
export function plainDefinition({ code, status, message }: ErrorDefinition): ErrorDefinition {
  return { code, status, message };
}
