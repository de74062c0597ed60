import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { writeErrorResponse } from 'src/common/errors/error-body.util';
import { toAppException } from 'src/common/errors/error-mapping.util';
import { type AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';

/** Every failure of every route ends here and leaves as the contract's JSON error body. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionsFilter');

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const { exception, unexpected } = toAppException(error);
    if (unexpected) {
      this.logger.error(
        `Unexpected error on ${req.method} ${req.path}`,
        error instanceof Error ? error.stack : String(error),
      );
    } else if (exception.status >= 500) {
      this.logger.warn(`${exception.code} on ${req.method} ${req.path}: ${describe(error)}`);
    }
    const stack = this.config.exposeStack && error instanceof Error ? error.stack : undefined;
    writeErrorResponse(res, exception, req.requestId, stack);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
