import { createParamDecorator, type ExecutionContext, type PipeTransform } from '@nestjs/common';
import type { Request } from 'express';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import type { ReceivedFile, UploadSpec, VerifiedFiles } from 'src/common/uploads/upload-spec.type';
import { UploadFieldMessages } from 'src/common/uploads/uploads.errors';

interface Received {
  files: ReceivedFile[];
  body: Record<string, unknown>;
}

const RawUploadedFiles = createParamDecorator((_: unknown, ctx: ExecutionContext): Received => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return {
    files: req.uploadedFiles ?? [],
    body: (req.body ?? {}) as Record<string, unknown>,
  };
});

/** A file field that a text field may replace (`video` ↔ `uploadId`): then the file must be absent. */
export type UploadAlternatives = Record<string, string>;

/** A missing file → 400, a file whose bytes are not an accepted type → 415. */
class VerifyUploadPipe implements PipeTransform<Received, Promise<VerifiedFiles<string>>> {
  constructor(
    private readonly spec: UploadSpec,
    private readonly alternatives: UploadAlternatives,
  ) {}

  async transform({ files, body }: Received): Promise<VerifiedFiles<string>> {
    // Nest runs the parameters' pipes together and answers the first failure in time, and it starts
    // them in reverse declaration order: without this yield, a missing file would beat the
    // text-field errors, which the upload check order puts before it. One macrotask lets every
    // synchronous validation of the other parameters fail first, whatever their declaration order.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const replaced = (field: string): boolean =>
      Object.hasOwn(this.alternatives, field) && body[this.alternatives[field]] !== undefined;
    const both = Object.keys(this.spec).filter(
      (field) => replaced(field) && files.some((file) => file.field === field),
    );
    if (both.length > 0) {
      throw AppException.validation(
        both.map((field) => ({
          field,
          location: 'file' as const,
          message: UploadFieldMessages.eitherOr(field, this.alternatives[field]),
        })),
      );
    }
    const missing = Object.keys(this.spec).filter(
      (field) => !replaced(field) && !files.some((file) => file.field === field),
    );
    if (missing.length > 0) {
      throw AppException.validation(
        missing.map((field) => ({
          field,
          location: 'file' as const,
          message: this.spec[field].messages.missing,
        })),
      );
    }
    const result: Record<string, unknown> = {};
    for (const [field, fieldSpec] of Object.entries(this.spec)) {
      if (replaced(field)) continue;
      const file = files.find((candidate) => candidate.field === field);
      if (!file?.detectedType || !fieldSpec.accepts.includes(file.detectedType)) {
        throw new AppException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, fieldSpec.messages.wrongType);
      }
      result[field] = file;
    }
    return result as VerifiedFiles<string>;
  }
}

/**
 * The upload's verified files; a field listed in `alternatives` is left out (and must be absent)
 * when the body carries the text field named for it. Its checks run after the text fields were validated (see the
 * pipe), in the upload check order of docs/api.md#uploads.
 */
export const UploadedMedia = (
  spec: UploadSpec,
  alternatives: UploadAlternatives = {},
): ParameterDecorator => RawUploadedFiles(undefined, new VerifyUploadPipe(spec, alternatives));
