import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { from, type Observable, switchMap } from 'rxjs';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { bodyKindOf } from 'src/common/http/body-kind.util';

export const JSON_BODY_LIMIT = '32kb';

const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Reads JSON bodies after routing, rate limiting and authentication (contract §1.1 order), so
 * an anonymous or throttled caller never gets a body error first. 32 KB cap, strict JSON
 * content type, and routes without a body DTO refuse any property.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  private readonly parser: RequestHandler = express.json({
    limit: JSON_BODY_LIMIT,
    strict: false,
    type: () => true,
  });

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    if (BODYLESS_METHODS.has(req.method)) return next.handle();
    const kind = bodyKindOf(context.getClass(), context.getHandler());
    if (kind === 'multipart') return next.handle();
    return from(this.readBody(req, http.getResponse<Response>(), kind)).pipe(
      switchMap(() => next.handle()),
    );
  }

  private async readBody(req: Request, res: Response, kind: 'json' | 'none'): Promise<void> {
    req.body = undefined;
    if (!hasBody(req)) return;
    const contentType = req.headers['content-type'];
    if (contentType !== undefined && !isJsonType(contentType)) {
      throw new AppException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Unsupported content type');
    }
    await new Promise<void>((resolve, reject) => {
      this.parser(req, res, (error?: unknown) =>
        error
          ? reject(error instanceof Error ? error : new Error('Body parser failed'))
          : resolve(),
      );
    });
    const body: unknown = req.body;
    if (kind === 'none' && body !== undefined) refuseBodyOnBodylessRoute(body);
  }
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

function isJsonType(contentType: string): boolean {
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

/** Toggles, deletes and the like take no body; an empty JSON object is allowed. */
function refuseBodyOnBodylessRoute(body: unknown): void {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const keys = Object.keys(body);
    if (keys.length === 0) return;
    throw AppException.validation(
      keys.map((field) => ({
        field,
        location: 'body' as const,
        message: `${field} is not allowed`,
      })),
    );
  }
  throw AppException.validation([
    { field: 'body', location: 'body', message: 'This endpoint takes no body' },
  ]);
}
