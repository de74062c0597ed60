import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import { ENDPOINT_MESSAGES_KEY } from 'src/common/decorators/endpoint.decorator';
import { ApiResult, RAW_RESPONSE_KEY } from 'src/common/decorators/response-message.decorator';
import { perRoute } from 'src/common/decorators/route-metadata.util';
import {
  DATA_ETAG_KEY,
  itemEtag,
  type SuccessEnvelope,
  successEnvelope,
} from 'src/common/http/representation.util';

/** The only place the success envelope (docs/api.md#envelope) is written. */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  /** Whether the route is outside the envelope, and its fixed message; read once per route. */
  private readonly routeOptions = perRoute((handler, controller) => ({
    raw: Boolean(
      this.reflector.getAllAndOverride<boolean>(RAW_RESPONSE_KEY, [handler, controller]),
    ),
    fixedMessage: fixedMessageOf(
      this.reflector.get<readonly string[] | undefined>(ENDPOINT_MESSAGES_KEY, handler),
    ),
    dataEtag: Boolean(this.reflector.get<boolean>(DATA_ETAG_KEY, handler)),
  }));

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { raw, fixedMessage, dataEtag } = this.routeOptions(context);
    if (raw) return next.handle();
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((value: unknown): SuccessEnvelope<unknown> => {
        const result =
          value instanceof ApiResult ? value : new ApiResult(fixedMessage ?? 'OK', value);
        // A write whose `data` is the item `If-Match` compares with (`@IfMatch(ITEM)`).
        if (dataEtag && result.data != null) response.setHeader('ETag', itemEtag(result.data));
        return successEnvelope(response.statusCode, result.message, result.data);
      }),
    );
  }
}

/** A route with several messages returns an `ApiResult` naming the one that happened. */
function fixedMessageOf(messages: readonly string[] | undefined): string | undefined {
  return messages?.length === 1 ? messages[0] : undefined;
}
