/*
 * A caught value as text, for a log line or for the message of an error that wraps it. Duck-typed
 * rather than `instanceof Error`: errors may come from another realm (a worker thread, Jest's VM
 * context), where a real error is not an `instanceof Error` here.
 */

interface ErrorLike {
  name?: unknown;
  message: unknown;
  stack?: unknown;
}

function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && 'message' in value;
}

/**
 * The error's message (`Outbox write failed: ${describeError(error)}`), or the value itself as
 * text. `withName` prefixes the error's name, for logs where the kind of failure matters
 * (`MongoServerSelectionError: …` against a `TypeError: …`).
 */
export function describeError(error: unknown, { withName = false } = {}): string {
  if (!isErrorLike(error)) return String(error);
  const message = String(error.message);
  return withName && typeof error.name === 'string' ? `${error.name}: ${message}` : message;
}

/** The stack for the trace argument of `Logger.error`, or the value as text when it has none. */
export function errorTrace(error: unknown): string {
  return isErrorLike(error) && typeof error.stack === 'string' ? error.stack : String(error);
}
