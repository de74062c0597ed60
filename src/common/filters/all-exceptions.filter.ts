import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppException } from 'src/common/errors/app.exception';
import { describeError, errorTrace } from 'src/common/errors/describe-error.util';
import { writeErrorResponse } from 'src/common/errors/error-body.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { toAppException } from 'src/common/errors/error-mapping.util';
import { RouteTable } from 'src/common/http/route-table.util';
import { invalidIdParams } from 'src/common/interceptors/object-id-params.interceptor';
import { type AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';

/** Every failure of every route leaves here, as the one error body (docs/api.md#error-body). */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionsFilter');
  private routeTable?: RouteTable;

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const mapped = toAppException(error);
    const { unexpected } = mapped;
    let { exception } = mapped;
    if (exception.code === ErrorCode.ROUTE_NOT_FOUND) {
      const allow = this.otherMethodsAllowed(req);
      if (allow !== null && req.method === 'OPTIONS') {
        // Outside a CORS preflight (those are answered by the CORS middleware).
        res.status(HttpStatus.NO_CONTENT).setHeader('Allow', allow).end();
        return;
      }
      if (allow !== null) {
        exception = new AppException(ErrorCode.METHOD_NOT_ALLOWED, undefined, {
          headers: { Allow: allow },
        });
      }
    } else if (isUndecodableParam(error)) {
      exception = this.undecodableParams(req) ?? exception;
    } else if (SHADOWABLE.has(exception.status)) {
      // A less specific route took a method the path's own routes do not serve (`PATCH
      // /video/me` reached `PATCH /video/:videoId` and failed on the id): that is still a 405.
      const allow = this.otherMethodsAllowed(req);
      if (allow !== null) {
        exception = new AppException(ErrorCode.METHOD_NOT_ALLOWED, undefined, {
          headers: { Allow: allow },
        });
      }
    }

    if (unexpected) {
      this.logger.error(`Unexpected error on ${req.method} ${req.path}`, errorTrace(error));
    } else if (exception.status >= 500) {
      this.logger.warn(
        `${exception.code} on ${req.method} ${req.path}: ${describeError(error, { withName: true })}`,
      );
    } else if (exception.options.warn) {
      this.logger.warn(`${exception.code} on ${req.method} ${req.path}: ${exception.message}`);
    }
    const stack = this.config.exposeStack && error instanceof Error ? error.stack : undefined;
    writeErrorResponse(res, exception, req.requestId, stack);
  }

  /**
   * Nothing serves this method here, but the path itself may be served (docs/api.md#paths): then
   * the `Allow` value listing its methods, otherwise null (an unknown path stays 404).
   */
  private otherMethodsAllowed(req: Request): string | null {
    const served = this.routes(req).servedMethods(pathOf(req));
    if (served.length === 0 || served.includes(req.method)) return null;
    return [...served, 'OPTIONS'].join(', ');
  }

  /**
   * The router could not percent-decode a path parameter (not UTF-8, e.g. `%ED%A0%80`, the
   * encoding of a lone surrogate). Named like any other parameter problem: `Invalid ID` for ids,
   * otherwise `<param> must be valid Unicode text`.
   */
  private undecodableParams(req: Request): AppException | null {
    const params = this.routes(req).rawParams(req.method, pathOf(req));
    if (!params) return null;
    const decoded: Record<string, string | null> = {};
    for (const [name, segments] of Object.entries(params)) {
      const parts = segments.map(tryDecode);
      decoded[name] = parts.includes(null) ? null : parts.join('/');
    }
    const invalidId = invalidIdParams(decoded);
    if (invalidId) return invalidId;
    const bad = Object.keys(decoded).filter((name) => decoded[name] === null);
    if (bad.length === 0) return null;
    return AppException.validation(
      bad.map((field) => ({
        field,
        location: 'params' as const,
        message: `${field} must be valid Unicode text`,
      })),
      { warn: true },
    );
  }

  /** Built on the first routing failure, when every route is registered on the application. */
  private routes(req: Request): RouteTable {
    this.routeTable ??= new RouteTable(req.app);
    return this.routeTable;
  }
}

/** The refusals a shadowing parameter route can produce before its handler runs: bad id, no credentials, not found. */
const SHADOWABLE = new Set([400, 401, 403, 404]);

/** Express (via Nest's adapter) reports a malformed escape in a path parameter as a 400 URIError. */
function isUndecodableParam(error: unknown): boolean {
  return error instanceof HttpException && error.cause instanceof URIError;
}

function tryDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** The full path: inside Nest's prefix router `req.path` is relative to the mount point. */
function pathOf(req: Request): string {
  return req.originalUrl.split('?')[0] ?? '/';
}
