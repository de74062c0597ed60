import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { from, type Observable, switchMap } from 'rxjs';
import { AppException } from 'src/common/errors/app.exception';
import { CommonErrors } from 'src/common/errors/common.errors';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { bodyKindOf } from 'src/common/http/body-kind.util';
import { isJsonType, runBodyParser } from 'src/common/http/body-parser.util';
import { exceedsJsonDepth, JSON_MAX_DEPTH } from 'src/common/http/json-depth.util';
import { notAllowedMessage } from 'src/common/validation/validation-messages.util';

export const JSON_BODY_LIMIT = '32kb';

const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Reads JSON bodies after routing, rate limiting and authentication (the request pipeline of
 * docs/architecture.md), so an anonymous or throttled caller never gets a body error first. 32 KB
 * cap, strict JSON content type, at most 32 levels of nesting, and routes without a body DTO refuse
 * any property. Compressed request bodies are refused on every route, uploads included (see
 * `refuseContentEncoding`).
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  private readonly parser: RequestHandler = express.json({
    limit: JSON_BODY_LIMIT,
    strict: false,
    type: () => true,
    inflate: false,
  });

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    if (BODYLESS_METHODS.has(req.method)) return next.handle();
    if (hasBody(req)) refuseContentEncoding(req);
    const kind = bodyKindOf(context.getClass(), context.getHandler());
    if (kind === 'multipart' || kind === 'stream') return next.handle();
    return from(this.readBody(req, http.getResponse<Response>(), kind)).pipe(
      switchMap(() => next.handle()),
    );
  }

  private async readBody(req: Request, res: Response, kind: 'json' | 'none'): Promise<void> {
    req.body = undefined;
    if (!hasBody(req)) return;
    const contentType = req.headers['content-type'];
    if (contentType !== undefined && !isJsonType(contentType)) {
      throw CommonErrors.unsupportedContentType();
    }
    await runBodyParser(this.parser, req, res);
    const body: unknown = req.body;
    if (exceedsJsonDepth(body, JSON_MAX_DEPTH)) {
      throw AppException.validation(
        [
          {
            field: 'body',
            location: 'body',
            message: `Request body must not nest deeper than ${JSON_MAX_DEPTH} levels`,
          },
        ],
        { warn: true },
      );
    }
    if (kind === 'none' && body !== undefined) refuseBodyOnBodylessRoute(body);
  }
}

/**
 * Request bodies must arrive as they are (`identity`): no client of this API compresses what it
 * sends, JSON bodies are at most 32 KB, and uploads are already-compressed media. Decoding would
 * only add a decompression-bomb surface and a class of decoder errors, so any other coding is
 * answered 415 with `Accept-Encoding: identity` (RFC 9110 §15.5.16), before a byte is read.
 */
function refuseContentEncoding(req: Request): void {
  const header = req.headers['content-encoding'];
  if (header === undefined) return;
  const codings = header.split(',').map((coding) => coding.trim().toLowerCase());
  if (codings.every((coding) => coding === '' || coding === 'identity')) return;
  throw new AppException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Unsupported content encoding', {
    headers: { 'Accept-Encoding': 'identity' },
    warn: true,
  });
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
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
        message: notAllowedMessage(field),
      })),
    );
  }
  throw AppException.validation([
    { field: 'body', location: 'body', message: 'This endpoint takes no body' },
  ]);
}
