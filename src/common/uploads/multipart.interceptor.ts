import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  mixin,
  type NestInterceptor,
  type Type,
  UseInterceptors,
} from '@nestjs/common';
import busboy from 'busboy';
import type { Request, Response } from 'express';
import { from, type Observable, switchMap } from 'rxjs';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { MultipartBody } from 'src/common/http/body-kind.util';
import { detectFileType, SIGNATURE_BYTES } from 'src/common/uploads/file-signature.util';
import {
  MULTIPART_BODY_LIMIT,
  type ReceivedFile,
  type UploadFieldSpec,
  type UploadSpec,
} from 'src/common/uploads/upload-spec.type';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';

export const UPLOADED_FILES_KEY = 'uploadedFiles';

declare module 'express' {
  interface Request {
    uploadedFiles?: ReceivedFile[];
  }
}

/**
 * Streams a multipart body (contract §1.13): per-field size limits while streaming (413 at once,
 * nothing kept), one file per field, no unexpected fields, the type decided from the first bytes.
 * Text fields become `req.body` for the DTO. Temporary files live in UPLOAD_TMP_DIR and are
 * removed when the response ends, whatever the outcome, including client aborts.
 */
function createMultipartInterceptor(spec: UploadSpec): Type<NestInterceptor> {
  @Injectable()
  class MultipartInterceptor implements NestInterceptor {
    constructor(@InjectConfig() private readonly config: AppConfig) {}

    intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
      const http = context.switchToHttp();
      const req = http.getRequest<Request>();
      const res = http.getResponse<Response>();
      const files: ReceivedFile[] = [];
      const { parsed, settled } = this.parse(req, files);
      // Removal waits until the parser has closed every temp file: a response can end (413,
      // client abort) while a write stream is still opening, and a file created after an
      // earlier removal would stay behind forever.
      let removing = false;
      const cleanup = (): void => {
        if (removing) return;
        removing = true;
        void settled.then(() => {
          for (const file of files) if (file.path) rmSync(file.path, { force: true });
        });
      };
      res.once('close', cleanup);
      res.once('finish', cleanup);
      return from(parsed).pipe(switchMap(() => next.handle()));
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
          parsed: Promise.reject(
            new AppException(ErrorCode.PAYLOAD_TOO_LARGE, 'Request body too large'),
          ),
          settled: Promise.resolve(),
        };
      }
      mkdirSync(this.config.media.uploadTmpDir, { recursive: true });
      return receive(req, spec, files, this.config.media.uploadTmpDir);
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

function receive(req: Request, spec: UploadSpec, files: ReceivedFile[], tmpDir: string): Reception {
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

  const fail = (error: unknown): void => {
    if (failure || finished) return;
    failure = { error };
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
    if (received > MULTIPART_BODY_LIMIT)
      fail(new AppException(ErrorCode.PAYLOAD_TOO_LARGE, 'Request body too large'));
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
          { field, location: 'file', message: `Unexpected file field: ${field}` },
        ]),
      );
      return;
    }
    if (files.some((file) => file.field === field)) {
      stream.resume();
      fail(
        AppException.validation([
          { field, location: 'file', message: `Only one ${field} file is allowed` },
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

/** Marks a route as a multipart upload with the given file fields. */
export function MultipartUpload(spec: UploadSpec): MethodDecorator {
  return applyDecorators(MultipartBody(), UseInterceptors(createMultipartInterceptor(spec)));
}
