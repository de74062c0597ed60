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
import { isObjectIdString } from 'src/common/validation/rules.util';

/** A path parameter named `…Id` is an ObjectId (docs/api.md#requests, and so says the document). */
export function isIdParam(name: string): boolean {
  return name.endsWith('Id');
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
        if (isIdParam(name) && typeof value === 'string') params[name] = value.toLowerCase();
      }
    }
    return next.handle();
  }
}

/** `Invalid ID` naming every `:…Id` parameter that is not an ObjectId, or null when all are. */
export function invalidIdParams(params: Record<string, unknown>): AppException | null {
  const bad = Object.entries(params).filter(
    ([name, value]) => isIdParam(name) && !isObjectIdString(value),
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
