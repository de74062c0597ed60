import type { Response } from 'express';
import type { AppException, FieldError } from 'src/common/errors/app.exception';
import { NO_STORE } from 'src/common/http/http-caching.middleware';

export interface ErrorBody {
  statusCode: number;
  success: false;
  message: string;
  code: string;
  requestId: string;
  errors?: FieldError[];
  stack?: string;
}

/** The one error body (docs/api.md#error-body). */
export function errorBody(exception: AppException, requestId: string, stack?: string): ErrorBody {
  const body: ErrorBody = {
    statusCode: exception.status,
    success: false,
    message: exception.message,
    code: exception.code,
    requestId,
  };
  if (exception.options.errors) body.errors = exception.options.errors;
  if (stack !== undefined) body.stack = stack;
  return body;
}

/** Writes the one error body (used by the Nest filter and the Express fallback). */
export function writeErrorResponse(
  res: Response,
  exception: AppException,
  requestId: string,
  stack?: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.setHeader('Cache-Control', NO_STORE);
  for (const [name, value] of Object.entries(exception.options.headers ?? {}))
    res.setHeader(name, value);
  res
    .status(exception.status)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(errorBody(exception, requestId, stack)));
}
