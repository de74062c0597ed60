import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import type { AppException } from 'src/common/errors/app.exception';
import { CommonErrors } from 'src/common/errors/common.errors';
import { isSessionId, SESSION_ID_PATTERN } from 'src/common/auth/session-id.util';
import { isObjectIdString } from 'src/common/validation/rules.util';

/** A path parameter named `…Id` is an ObjectId, or in OPAQUE_ID_PARAMS (docs/api.md#requests). */
export function isIdParam(name: string): boolean {
  return name.endsWith('Id');
}

/**
 * The `:…Id` path parameters that are not ObjectIds, with their own formats: a session is named by
 * 128 random bits (docs/api.md#sessions). Checked here like the others, with the same answer, and
 * handed on as sent (base64url is case-sensitive).
 */
export const OPAQUE_ID_PARAMS: Readonly<Record<string, { pattern: string; example: string }>> = {
  sessionId: { pattern: SESSION_ID_PATTERN, example: 'q3ZsVh0w9yqL2c8pXW1n5A' },
};

const OPAQUE_ID_CHECKS: Readonly<Record<string, (value: unknown) => boolean>> = {
  sessionId: isSessionId,
};

function isOpaqueIdParam(name: string): boolean {
  return Object.hasOwn(OPAQUE_ID_CHECKS, name);
}

function isValidId(name: string, value: unknown): boolean {
  return isOpaqueIdParam(name) ? OPAQUE_ID_CHECKS[name](value) : isObjectIdString(value);
}

/**
 * The one place path ids are checked and normalised. Every `:…Id` path parameter is an
 * ObjectId, checked before the body is read or any other input is validated, so a malformed id
 * is always answered `Invalid ID` first and names every bad parameter. (Nest validates handler
 * arguments concurrently, so their order alone would not decide which error wins.) Ids are
 * accepted in either case and handed on in lower case, the form they are stored and compared in,
 * so handlers read them with a plain `@Param('videoId')` and services never normalise them.
 */
@Injectable()
export class ObjectIdParamsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const params = context.switchToHttp().getRequest<Request>().params ?? {};
      const invalid = invalidIdParams(params);
      if (invalid) throw invalid;
      for (const [name, value] of Object.entries(params)) {
        if (isIdParam(name) && !isOpaqueIdParam(name) && typeof value === 'string')
          params[name] = value.toLowerCase();
      }
    }
    return next.handle();
  }
}

/** `Invalid ID` naming every `:…Id` parameter not in its format, or null when all are. */
export function invalidIdParams(params: Record<string, unknown>): AppException | null {
  const bad = Object.entries(params).filter(
    ([name, value]) => isIdParam(name) && !isValidId(name, value),
  );
  if (bad.length === 0) return null;
  return CommonErrors.invalidId(
    bad.map(([field]) => ({
      field,
      location: 'params' as const,
      message: CommonErrors.invalidId.message,
    })),
  );
}
