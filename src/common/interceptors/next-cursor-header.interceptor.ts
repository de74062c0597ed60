import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import { type CursorList, NEXT_CURSOR_HEADER } from 'src/common/dto/paginated.util';

/**
 * The plain-array lists with cursor pages (docs/api.md#cursor-pages): the handler's
 * `CursorList` becomes the `data` array, its `nextCursor` the `X-Next-Cursor` header. Applied by
 * `@Endpoint({ data: [Item], cursor: true })`, inside the envelope.
 */
@Injectable()
export class NextCursorHeaderInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((list: CursorList<unknown>): unknown[] => {
        if (list.nextCursor !== null) response.setHeader(NEXT_CURSOR_HEADER, list.nextCursor);
        return list.items;
      }),
    );
  }
}
