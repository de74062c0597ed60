import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  Controller,
  Get,
  Head,
  Headers,
  Logger,
  Param,
  Res,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from 'src/common/decorators/auth-mode.decorator';
import { NoRateLimit } from 'src/common/rate-limit/no-rate-limit.decorator';
import { RawResponse } from 'src/common/decorators/response-message.decorator';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { parseSingleByteRange } from 'src/infrastructure/media/byte-range.util';
import { LocalMediaStorage } from 'src/infrastructure/media/local-media-storage.adapter';
import { MediaErrors } from 'src/infrastructure/media/media.errors';
import { MediaStorage } from 'src/infrastructure/media/media-storage.port';

/** Keys are random and never rewritten, so a cached copy can never go stale. */
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/**
 * `GET /media/*` (docs/api.md#health-and-media): serves files of the local storage adapter, outside
 * `/api/v1`, unversioned, not rate limited, outside the envelope and the OpenAPI document (which
 * describes `/api/v1`).
 *
 * It uses `@Res()`, the one exception to the thin-controller rule: the body is a file stream with
 * status and headers that depend on `Range`, which Nest's return-value pipeline cannot express
 * without buffering the file.
 */
@Controller({ path: 'media', version: VERSION_NEUTRAL })
@Public()
@NoRateLimit()
@RawResponse()
@ApiExcludeController()
export class MediaFilesController {
  private readonly logger = new Logger(MediaFilesController.name);

  constructor(private readonly storage: MediaStorage) {}

  // Declared before GET: Express would otherwise answer HEAD with the GET route, opening the file.
  @Head('*path')
  async head(
    @Param('path') path: string[] | string,
    @Headers('range') range: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    await this.serve(path, range, res, false);
  }

  @Get('*path')
  async get(
    @Param('path') path: string[] | string,
    @Headers('range') range: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    await this.serve(path, range, res, true);
  }

  private async serve(
    path: string[] | string,
    rangeHeader: string | undefined,
    res: Response,
    withBody: boolean,
  ): Promise<void> {
    // The route is always registered (config is not known at import time); with another storage
    // it must look exactly like a path that does not exist.
    if (!(this.storage instanceof LocalMediaStorage))
      throw new AppException(ErrorCode.ROUTE_NOT_FOUND);

    const key = Array.isArray(path) ? path.join('/') : path;
    const file = await this.storage.open(key);
    if (file === null) throw MediaErrors.fileNotFound();

    const range = parseSingleByteRange(rangeHeader, file.size);
    let body: Readable | undefined;
    if (withBody) {
      body = file.stream(range ?? undefined);
      try {
        // Open before any header is set, so a file removed since `open` still gets a clean JSON 404.
        await once(body, 'ready');
      } catch {
        body.destroy();
        throw MediaErrors.fileNotFound();
      }
    }

    res.status(range ? 206 : 200);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : file.size));
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Cache-Control', IMMUTABLE_CACHE);
    // helmet's default `same-origin` would stop the web client (another origin) from embedding media.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);

    if (body === undefined) {
      res.end();
      return;
    }
    try {
      await pipeline(body, res);
    } catch (error) {
      // Headers are already out, so there is nothing left to answer; a client that stops a video
      // mid-stream (premature close) is routine and not worth a log line.
      if (!isPrematureClose(error))
        this.logger.warn(`Streaming media ${key} failed: ${String(error)}`);
    }
  }
}

function isPrematureClose(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    error.code === 'ERR_STREAM_PREMATURE_CLOSE'
  );
}
