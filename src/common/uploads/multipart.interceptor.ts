import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Logger,
  mixin,
  type NestInterceptor,
  type Type,
  UseInterceptors,
} from '@nestjs/common';
import busboy from 'busboy';
import type { Request, Response } from 'express';
import { defer, finalize, from, type Observable, switchMap } from 'rxjs';
import { AppException } from 'src/common/errors/app.exception';
import { CommonErrors } from 'src/common/errors/common.errors';
import { describeError } from 'src/common/errors/describe-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { MultipartBody } from 'src/common/http/body-kind.util';
import { detectFileType, SIGNATURE_BYTES } from 'src/common/uploads/file-signature.util';
import { documentUpload } from 'src/common/uploads/upload-docs.util';
import { takeUploadSlot, type UploadSlot } from 'src/common/uploads/upload-slots.util';
import {
  MULTIPART_BODY_LIMIT,
  type ReceivedFile,
  type UploadFieldSpec,
  type UploadSpec,
} from 'src/common/uploads/upload-spec.type';
import { UploadFieldMessages, UploadsErrors } from 'src/common/uploads/uploads.errors';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { CounterStore } from 'src/infrastructure/counters/counter-store.port';

export const UPLOADED_FILES_KEY = 'uploadedFiles';

declare module 'express' {
  interface Request {
    uploadedFiles?: ReceivedFile[];
  }
}

/**
 * Streams a multipart body (docs/api.md#uploads): per-field size limits while streaming (413 at
 * once, nothing kept), one file per field, no unexpected fields, the type decided from the first
 * bytes. Text fields become `req.body` for the DTO. Before a byte is read, the caller must get one
 * of its UPLOAD_MAX_CONCURRENT_PER_USER upload slots (429 otherwise); a body that sends nothing for
 * UPLOAD_IDLE_TIMEOUT_SECONDS is cut with 408. Temporary files live in UPLOAD_TMP_DIR.
 *
 * What the request holds (its slot, its temp files) is given back once the handler has finished
 * or failed and the response is done, whatever the outcome. Never on the client's disconnect
 * alone: a client may leave once its body is sent while the handler still reads the files.
 */
function createMultipartInterceptor(spec: UploadSpec): Type<NestInterceptor> {
  @Injectable()
  class MultipartInterceptor implements NestInterceptor {
    private readonly logger = new Logger('Uploads');

    constructor(
      @InjectConfig() private readonly config: AppConfig,
      private readonly counters: CounterStore,
    ) {}

    intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
      const http = context.switchToHttp();
      const req = http.getRequest<Request>();
      const res = http.getResponse<Response>();
      return defer(() => {
        const files: ReceivedFile[] = [];
        const slot = this.takeSlot(req);
        const reception = slot.then(() => this.parse(req, files));
        return from(reception.then(({ parsed }) => parsed)).pipe(
          switchMap(() => next.handle()),
          finalize(() => void this.giveBack(res, slot, reception, files)),
        );
      });
    }

    private async takeSlot(req: Request): Promise<UploadSlot> {
      // Upload routes require authentication; the guard has set the caller.
      const userId = req.principal?.userId;
      if (!userId) throw new AppException(ErrorCode.UNAUTHORIZED);
      const slot = await takeUploadSlot(
        this.counters,
        userId,
        this.config.media.uploadMaxConcurrentPerUser,
      );
      if (!slot) throw UploadsErrors.tooManyConcurrent();
      return slot;
    }

    /**
     * Runs when the handler has finished or failed. Removal also waits until the parser has
     * closed every temp file (a file created after an earlier removal would stay behind forever)
     * and until the response is done.
     */
    private async giveBack(
      res: Response,
      slot: Promise<UploadSlot>,
      reception: Promise<Reception>,
      files: ReceivedFile[],
    ): Promise<void> {
      await reception.then(
        ({ settled }) => settled,
        () => undefined,
      );
      if (!res.closed) await new Promise((resolve) => res.once('close', resolve));
      for (const file of files) {
        if (!file.path) continue;
        await rm(file.path, { force: true }).catch((error: unknown) =>
          this.logger.warn(
            `Could not remove the upload temp file ${file.path}: ${describeError(error)}`,
          ),
        );
      }
      const taken = await slot.catch(() => null);
      await taken
        ?.release()
        .catch((error: unknown) =>
          this.logger.warn(
            `Could not free an upload slot (it expires by itself): ${describeError(error)}`,
          ),
        );
    }

    private parse(req: Request, files: ReceivedFile[]): Reception {
      req.uploadedFiles = files;
      req.body = {};
      const contentType = req.headers['content-type'] ?? '';
      if (!/^multipart\/form-data/i.test(contentType)) {
        // Not multipart: no files and no fields; the DTO and the file checks report what is missing.
        req.resume();
        return { parsed: Promise.resolve(), settled: Promise.resolve() };
      }
      const declaredLength = Number(req.headers['content-length'] ?? 0);
      if (declaredLength > MULTIPART_BODY_LIMIT) {
        return {
          parsed: Promise.reject(CommonErrors.bodyTooLarge()),
          settled: Promise.resolve(),
        };
      }
      mkdirSync(this.config.media.uploadTmpDir, { recursive: true });
      return receive(req, spec, files, {
        tmpDir: this.config.media.uploadTmpDir,
        idleSeconds: this.config.media.uploadIdleTimeoutSeconds,
      });
    }
  }
  return mixin(MultipartInterceptor);
}

interface Reception {
  /** Resolves when every part was received and checked; rejects with the first failure. */
  parsed: Promise<void>;
  /** Resolves once no temp file is open or about to be created, whatever the outcome. */
  settled: Promise<void>;
}

const malformed = (): AppException =>
  AppException.validation([
    { field: 'body', location: 'body', message: 'Malformed multipart body' },
  ]);

interface ReceiveOptions {
  tmpDir: string;
  idleSeconds: number;
}

function receive(
  req: Request,
  spec: UploadSpec,
  files: ReceivedFile[],
  { tmpDir, idleSeconds }: ReceiveOptions,
): Reception {
  let resolveParsed!: () => void;
  let rejectParsed!: (error: unknown) => void;
  const parsed = new Promise<void>((resolve, reject) => {
    resolveParsed = resolve;
    rejectParsed = reject;
  });
  let markSettled!: () => void;
  const settled = new Promise<void>((resolve) => (markSettled = resolve));

  if (req.destroyed || req.readableAborted) {
    // The client left while the guards ran: there is nothing to read and nobody to answer.
    markSettled();
    rejectParsed(AppException.badRequest('Request aborted'));
    return { parsed, settled };
  }

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: { fields: 20, fieldSize: 32 * 1024, parts: 40 },
    });
  } catch {
    markSettled();
    rejectParsed(malformed());
    req.resume();
    return { parsed, settled };
  }

  // Null prototype: a field named `__proto__` or `constructor` is just an unknown field.
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  const writers = new Set<WriteStream>();
  const pendingWrites: Promise<void>[] = [];
  let failure: { error: unknown } | null = null;
  let finished = false;
  let received = 0;

  const writesClosed = (): Promise<void> => Promise.allSettled(pendingWrites).then(() => undefined);

  // A client that stops sending would otherwise hold its slot, its socket and its temp file
  // until Node's own request timeout, minutes later. Only the client's silence counts: while the
  // request is paused because the parser or the disk is behind, the client is not to blame.
  const idle = setTimeout(() => {
    const seen = received;
    // After a stalled event loop the timer can run before data already waiting on the socket
    // was read; that data is read before the check phase.
    setImmediate(() => {
      if (failure || finished) return;
      if (received !== seen || req.isPaused()) idle.refresh();
      else fail(UploadsErrors.idleTimeout(idleSeconds));
    });
  }, idleSeconds * 1000);
  req.once('end', () => clearTimeout(idle));

  const fail = (error: unknown): void => {
    if (failure || finished) return;
    failure = { error };
    clearTimeout(idle);
    req.unpipe(parser);
    // The parser gets no more data, so an open temp file would never see its end: close it now.
    for (const out of writers) out.destroy();
    // Keep reading (and discarding) what the client still sends, so it gets to read the answer.
    req.resume();
    void writesClosed().then(() => {
      markSettled();
      rejectParsed(error);
    });
  };

  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    idle.refresh();
    if (received > MULTIPART_BODY_LIMIT) fail(CommonErrors.bodyTooLarge());
  });
  // `close` before the whole body arrived is a client abort; `error` comes with it (ECONNRESET).
  req.once('close', () => {
    if (!req.complete) fail(AppException.badRequest('Request aborted'));
  });
  req.on('error', () => fail(AppException.badRequest('Request aborted')));

  parser.on('file', (field, stream) => {
    // A truncated body makes busboy destroy the open file stream with an error; unhandled, that
    // error would crash the process.
    stream.on('error', () => fail(malformed()));
    const fieldSpec: UploadFieldSpec | undefined = Object.hasOwn(spec, field)
      ? spec[field]
      : undefined;
    if (failure) {
      stream.resume();
      return;
    }
    if (!fieldSpec) {
      stream.resume();
      fail(
        AppException.validation([
          { field, location: 'file', message: UploadFieldMessages.unexpected(field) },
        ]),
      );
      return;
    }
    if (files.some((file) => file.field === field)) {
      stream.resume();
      fail(
        AppException.validation([
          { field, location: 'file', message: UploadFieldMessages.duplicate(field) },
        ]),
      );
      return;
    }
    const file: ReceivedFile = { field, size: 0, detectedType: null };
    files.push(file);
    const head: Buffer[] = [];
    let headLength = 0;
    const chunks: Buffer[] = [];
    let out: WriteStream | undefined;
    if (fieldSpec.storage === 'disk') {
      file.path = join(tmpDir, `${randomUUID()}.upload`);
      const writer = createWriteStream(file.path);
      out = writer;
      writers.add(writer);
      pendingWrites.push(
        new Promise<void>((done) =>
          writer.once('close', () => {
            writers.delete(writer);
            done();
          }),
        ),
      );
      // A disk error (full, permissions) is ours, not the client's: a logged 500, never a
      // truncated file passed on as if complete.
      writer.on('error', (error) => fail(error));
    }
    stream.on('data', (chunk: Buffer) => {
      if (failure) return;
      file.size += chunk.length;
      if (file.size > fieldSpec.maxBytes) {
        stream.resume();
        fail(new AppException(ErrorCode.PAYLOAD_TOO_LARGE, fieldSpec.messages.tooLarge));
        return;
      }
      if (headLength < SIGNATURE_BYTES) {
        head.push(chunk);
        headLength += chunk.length;
      }
      if (out) {
        if (!out.write(chunk)) {
          stream.pause();
          out.once('drain', () => stream.resume());
        }
      } else {
        chunks.push(chunk);
      }
    });
    stream.once('end', () => {
      if (failure) return;
      file.detectedType = detectFileType(Buffer.concat(head).subarray(0, SIGNATURE_BYTES));
      if (out) out.end();
      else file.buffer = Buffer.concat(chunks);
    });
  });

  parser.on('field', (name, value) => {
    if (!failure) fields[name] = value;
  });
  parser.once('fieldsLimit', () =>
    fail(
      AppException.validation([{ field: 'body', location: 'body', message: 'Too many fields' }]),
    ),
  );
  parser.once('partsLimit', () =>
    fail(AppException.validation([{ field: 'body', location: 'body', message: 'Too many parts' }])),
  );
  parser.on('error', () => fail(malformed()));
  parser.once('close', () => {
    clearTimeout(idle);
    if (failure) return;
    void writesClosed().then(() => {
      // A temp file that failed to close properly has already failed the request.
      if (failure) return;
      finished = true;
      req.body = fields;
      markSettled();
      resolveParsed();
    });
  });
  req.pipe(parser);
  return { parsed, settled };
}

/**
 * Marks a route as a multipart upload with the given file fields, and documents its body and
 * failures from the same spec. Text fields are the route's `@Body()` DTO; `alternatives` names
 * the file fields a text field may replace (as `@UploadedMedia` enforces).
 */
export function MultipartUpload(
  spec: UploadSpec,
  alternatives: Record<string, string> = {},
): MethodDecorator {
  return applyDecorators(
    MultipartBody(),
    UseInterceptors(createMultipartInterceptor(spec)),
    documentUpload(spec, alternatives),
  );
}
