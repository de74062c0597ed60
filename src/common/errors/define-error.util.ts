import { AppException, type AppExceptionOptions } from 'src/common/errors/app.exception';
import { DEFAULT_MESSAGES, ERROR_STATUS, ErrorCode } from 'src/common/errors/error-code.constant';

/**
 * One failure as data: its code, the status that code has in ERROR_STATUS, and the message
 * clients see. `@Endpoint({ errors })` documents a route from these, so the OpenAPI document
 * quotes the very text the service throws instead of a copy of it.
 */
export interface ErrorDefinition {
  readonly code: ErrorCode;
  readonly status: number;
  /** For a message that carries a value, the message as documented (see `MessageTemplate`). */
  readonly message: string;
}

/** A definition that is also the factory services throw: `throw VideosErrors.notFound()`. */
export type DefinedError<Args extends unknown[] = []> = ErrorDefinition &
  ((...args: Args) => AppException);

/** A message that carries values; the document shows it with `documentedWith` (the defaults). */
export interface MessageTemplate<Args extends unknown[]> {
  render: (...args: Args) => string;
  documentedWith: Args;
}

/** The definition of a failure that is not thrown through a factory (pipeline checks, placeholders). */
export function errorDefinition(code: ErrorCode, message?: string): ErrorDefinition {
  return { code, status: ERROR_STATUS[code], message: message ?? DEFAULT_MESSAGES[code] ?? code };
}

/**
 * A module's failure, stated once. Without a message the code's default message applies. A
 * template or an options function makes the factory take arguments (a limit in the message, a
 * `Retry-After` in the headers).
 */
export function defineError<Args extends unknown[] = []>(
  code: ErrorCode,
  message?: string | MessageTemplate<Args>,
  options?: AppExceptionOptions | ((...args: Args) => AppExceptionOptions),
): DefinedError<Args> {
  const template = typeof message === 'object' ? message : undefined;
  const definition = errorDefinition(
    code,
    typeof message === 'object' ? message.render(...message.documentedWith) : message,
  );
  const render = template?.render ?? ((): string => definition.message);
  const optionsFor =
    typeof options === 'function' ? options : (): AppExceptionOptions => options ?? {};
  const factory = (...args: Args): AppException =>
    new AppException(code, render(...args), optionsFor(...args));
  return Object.assign(factory, definition);
}

/** Field messages of a body rule, for the routes that take the body to document as 400s. */
export function validationErrors(messages: Record<string, string>): ErrorDefinition[] {
  return Object.values(messages).map((message) =>
    errorDefinition(ErrorCode.VALIDATION_ERROR, message),
  );
}
