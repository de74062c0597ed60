import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { isObjectIdString } from 'src/common/validation/rules.util';

/**
 * Contract §1.5: every `:…Id` path parameter is an ObjectId, checked before the body is read or
 * any other input is validated, so a malformed id is always answered `Invalid ID` first and
 * names every bad parameter. (Nest validates handler arguments concurrently, so their order alone
 * would not decide which error wins.)
 */
@Injectable()
export class ObjectIdParamsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const invalid = invalidIdParams(context.switchToHttp().getRequest<Request>().params ?? {});
      if (invalid) throw invalid;
    }
    return next.handle();
  }
}

/** `Invalid ID` naming every `:…Id` parameter that is not an ObjectId, or null when all are. */
export function invalidIdParams(params: Record<string, unknown>): AppException | null {
  const bad = Object.entries(params).filter(
    ([name, value]) => name.endsWith('Id') && !isObjectIdString(value),
  );
  if (bad.length === 0) return null;
  return new AppException(ErrorCode.INVALID_ID, 'Invalid ID', {
    errors: bad.map(([field]) => ({ field, location: 'params' as const, message: 'Invalid ID' })),
  });
}
