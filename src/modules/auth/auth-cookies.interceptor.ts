import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Request, Response } from 'express';
import { catchError, type Observable, tap, throwError } from 'rxjs';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { cookieJarOf } from 'src/modules/auth/auth-cookies.decorator';
import { cookieWrites } from 'src/modules/auth/auth-cookies.util';

/**
 * Writes the cookie decision a handler left in its `@AuthCookies()` jar, on success and on
 * failure alike (a failed refresh or logout must still clear both cookies). Scoped to the auth
 * controller: no other endpoint touches cookies (docs/api.md#cookies).
 */
@Injectable()
export class AuthCookiesInterceptor implements NestInterceptor {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const write = (): void => this.write(req, res);
    return next.handle().pipe(
      tap({ next: write }),
      catchError((error: unknown) => {
        write();
        return throwError(() => error);
      }),
    );
  }

  private write(req: Request, res: Response): void {
    const instruction = cookieJarOf(req)?.instruction;
    if (!instruction || res.headersSent) return;
    const adapter = this.adapterHost.httpAdapter;
    for (const cookie of cookieWrites(instruction, this.config)) {
      if (cookie.value === null) adapter.clearCookie(res, cookie.name, cookie.options);
      else adapter.setCookie(res, cookie.name, cookie.value, cookie.options);
    }
  }
}
