import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { catchError, concatMap, from, type Observable, of, switchMap, throwError } from 'rxjs';
import { ApiResult } from 'src/common/decorators/response-message.decorator';
import { perRoute } from 'src/common/decorators/route-metadata.util';
import { AppException } from 'src/common/errors/app.exception';
import { describeError } from 'src/common/errors/describe-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { bodyKindOf } from 'src/common/http/body-kind.util';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
} from 'src/common/idempotency/idempotency.constant';
import { IdempotencyErrors } from 'src/common/idempotency/idempotency.errors';
import {
  type IdempotencyClaim,
  IdempotencyService,
} from 'src/common/idempotency/idempotency.service';
import { requestFingerprint } from 'src/common/idempotency/request-fingerprint.util';

const VISIBLE_ASCII_KEY = /^[\x21-\x7e]{1,128}$/;
const HEADER = IDEMPOTENCY_KEY_HEADER.toLowerCase();

/**
 * `Idempotency-Key` on a creating route (docs/api.md#idempotency-key), switched on per handler by
 * `@Idempotent()`. Without the header the request runs as always. With it, once the body (and,
 * for an upload, the files) has been received:
 *
 * - a malformed key → 400 INVALID_IDEMPOTENCY_KEY, before anything is stored;
 * - the first request with the key claims it (IdempotencyService), runs, and on success stores
 *   its status, message and data for 24 h; on any failure (4xx or 5xx) it stores nothing and
 *   gives the key back, so a retry runs again (a 4xx created nothing; a 5xx may be transient);
 * - a retry of the same request (same user, key and fingerprint, request-fingerprint.util) gets
 *   the stored success again with `Idempotent-Replayed: true`, and the handler does not run;
 * - the same key for a different request → 422 IDEMPOTENCY_KEY_REUSED;
 * - the same request while the first is still running → 409 IDEMPOTENCY_KEY_IN_PROGRESS with
 *   `Retry-After` (draft-ietf-httpapi-idempotency-key-header), so concurrent duplicates create
 *   exactly one resource.
 *
 * It runs inside the envelope (a route interceptor), so it stores what the handler returned (its
 * data as JSON text, and its message when it chose one) and a replay goes through the same
 * envelope: the body is the same, bytes included.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  private readonly isMultipart = perRoute(
    (handler, controller) => bodyKindOf(controller, handler) === 'multipart',
  );

  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const raw = req.headers[HEADER];
    if (raw === undefined) return next.handle();
    if (typeof raw !== 'string' || !VISIBLE_ASCII_KEY.test(raw))
      throw IdempotencyErrors.invalidKey();
    // Idempotent routes require authentication; the guard has set the caller.
    const userId = req.principal?.userId;
    if (!userId) throw new AppException(ErrorCode.UNAUTHORIZED);
    if (this.isMultipart(context) && req.uploadedFiles === undefined) {
      // The fingerprint needs the files: the upload interceptor must run first.
      throw new Error('@Idempotent() must be declared above @MultipartUpload()');
    }
    const res = http.getResponse<Response>();

    return from(requestFingerprint(req)).pipe(
      switchMap((fingerprint) => this.idempotency.claim(userId, raw, fingerprint)),
      switchMap((claim) => {
        if (claim.kind === 'replay') {
          res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
          res.status(claim.response.status);
          const data: unknown = JSON.parse(claim.response.data);
          // What the handler returned then: with its own message, or plain data that the
          // envelope gives the route's fixed message, as it did the first time.
          const { message } = claim.response;
          return of(message === null ? data : new ApiResult(message, data));
        }
        return next.handle().pipe(
          concatMap(async (value: unknown) => {
            await this.store(claim, res.statusCode, value);
            return value;
          }),
          catchError((error: unknown) =>
            from(this.release(claim)).pipe(concatMap(() => throwError(() => error))),
          ),
        );
      }),
    );
  }

  /**
   * Keeps the success for replays. If that write fails the answer still stands (the resource
   * exists); the key stays claimed until its lease runs out, so a retry meanwhile gets 409 rather
   * than a second resource.
   */
  private async store(claim: IdempotencyClaim, status: number, value: unknown): Promise<void> {
    const result = value instanceof ApiResult ? value : null;
    const response = {
      status,
      message: result ? result.message : null,
      data: JSON.stringify((result ? result.data : value) ?? null),
    };
    try {
      if (!(await this.idempotency.complete(claim, response)))
        this.logger.warn(`Idempotency key claim ${claim.id} was lost before its request finished`);
    } catch (error) {
      this.logger.warn(
        `Could not store the response of idempotency key claim ${claim.id}: ${describeError(error)}`,
      );
    }
  }

  /** A failed request stores nothing; its key is free again (a failure to free it ends with the lease). */
  private async release(claim: IdempotencyClaim): Promise<void> {
    try {
      await this.idempotency.release(claim);
    } catch (error) {
      this.logger.warn(
        `Could not release idempotency key claim ${claim.id}: ${describeError(error)}`,
      );
    }
  }
}
