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
import type { Request } from 'express';
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
      const res = http.getResponse<import('express').Response>();
      const files: ReceivedFile[] = [];
      const cleanup = (): void => {
        for (const file of files) if (file.path) rmSync(file.path, { force: true });
      };
      res.once('close', cleanup);
      res.once('finish', cleanup);
      return from(this.parse(req, files)).pipe(switchMap(() => next.handle()));
    }

    private async parse(req: Request, files: ReceivedFile[]): Promise<void> {
      req.uploadedFiles = files;
      req.body = {};
      const contentType = req.headers['content-type'] ?? '';
      if (!/^multipart\/form-data/i.test(contentType)) {
        // Not multipart: no files and no fields; the DTO and the file checks report what is missing.
        req.resume();
        return;
      }
      const declaredLength = Number(req.headers['content-length'] ?? 0);
      if (declaredLength > MULTIPART_BODY_LIMIT) {
        throw new AppException(ErrorCode.PAYLOAD_TOO_LARGE, 'Request body too large');
      }
      mkdirSync(this.config.media.uploadTmpDir, { recursive: true });
      await receive(req, spec, files, this.config.media.uploadTmpDir);
    }
  }
  return mixin(MultipartInterceptor);
}

function receive(
  req: Request,
  spec: UploadSpec,
  files: ReceivedFile[],
  tmpDir: string,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fields: 20, fieldSize: 32 * 1024, parts: 40 },
      });
    } catch {
      reject(
        AppException.validation([
          { field: 'body', location: 'body', message: 'Malformed multipart body' },
        ]),
      );
      return;
    }
    const fields: Record<string, string> = {};
    const pendingWrites: Promise<void>[] = [];
    let failure: AppException | null = null;
    let received = 0;

    const fail = (error: AppException): void => {
      if (failure) return;
      failure = error;
      req.unpipe(parser);
      req.resume();
      // Wait for in-flight writes so no temp file is created after the cleanup ran.
      void Promise.allSettled(pendingWrites).then(() => reject(error));
    };

    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MULTIPART_BODY_LIMIT)
        fail(new AppException(ErrorCode.PAYLOAD_TOO_LARGE, 'Request body too large'));
    });
    req.once('aborted', () => fail(AppException.badRequest('Request aborted')));

    parser.on('file', (field, stream) => {
      const fieldSpec: UploadFieldSpec | undefined = spec[field];
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
        out = createWriteStream(file.path);
        pendingWrites.push(
          new Promise<void>((done) => {
            out?.once('close', () => done());
            out?.once('error', () => done());
          }),
        );
      }
      stream.on('data', (chunk: Buffer) => {
        if (failure) return;
        file.size += chunk.length;
        if (file.size > fieldSpec.maxBytes) {
          out?.destroy();
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
      fail(
        AppException.validation([{ field: 'body', location: 'body', message: 'Too many parts' }]),
      ),
    );
    parser.once('error', () =>
      fail(
        AppException.validation([
          { field: 'body', location: 'body', message: 'Malformed multipart body' },
        ]),
      ),
    );
    parser.once('close', () => {
      if (failure) return;
      void Promise.all(pendingWrites).then(() => {
        if (failure) return;
        req.body = fields;
        resolve();
      });
    });
    req.pipe(parser);
  });
}

/** Marks a route as a multipart upload with the given file fields. */
export function MultipartUpload(spec: UploadSpec): MethodDecorator {
  return applyDecorators(MultipartBody(), UseInterceptors(createMultipartInterceptor(spec)));
}
