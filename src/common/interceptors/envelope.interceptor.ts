import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import {
  ApiResult,
  RAW_RESPONSE_KEY,
  RESPONSE_MESSAGE_KEY,
} from 'src/common/decorators/response-message.decorator';

export interface SuccessEnvelope<T> {
  statusCode: number;
  message: string;
  data: T | null;
  success: true;
}

/** The only place the success envelope of contract §1.3 is written. */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(RAW_RESPONSE_KEY, targets)) return next.handle();
    const fixedMessage = this.reflector.get<string | undefined>(
      RESPONSE_MESSAGE_KEY,
      context.getHandler(),
    );
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((value: unknown): SuccessEnvelope<unknown> => {
        const result =
          value instanceof ApiResult ? value : new ApiResult(fixedMessage ?? 'OK', value);
        return {
          statusCode: response.statusCode,
          message: result.message,
          data: result.data ?? null,
          success: true,
        };
      }),
    );
  }
}
