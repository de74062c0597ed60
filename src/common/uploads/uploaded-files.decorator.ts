import { createParamDecorator, type ExecutionContext, type PipeTransform } from '@nestjs/common';
import type { Request } from 'express';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import type { ReceivedFile, UploadSpec, VerifiedFiles } from 'src/common/uploads/upload-spec.type';

const RawUploadedFiles = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): ReceivedFile[] =>
    ctx.switchToHttp().getRequest<Request>().uploadedFiles ?? [],
);

/** A missing file → 400, a file whose bytes are not an accepted type → 415. */
class VerifyUploadPipe implements PipeTransform<ReceivedFile[], Promise<VerifiedFiles<string>>> {
  constructor(private readonly spec: UploadSpec) {}

  async transform(files: ReceivedFile[]): Promise<VerifiedFiles<string>> {
    // Nest runs the parameters' pipes together and answers the first failure in time, and it starts
    // them in reverse declaration order: without this yield, a missing file would beat the
    // text-field errors, which the upload check order puts before it. One macrotask lets every
    // synchronous validation of the other parameters fail first, whatever their declaration order.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const missing = Object.keys(this.spec).filter(
      (field) => !files.some((file) => file.field === field),
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
 * The upload's verified files. Its checks run after the text fields were validated (see the
 * pipe), in the upload check order of docs/api.md#uploads.
 */
export const UploadedMedia = (spec: UploadSpec): ParameterDecorator =>
  RawUploadedFiles(undefined, new VerifyUploadPipe(spec));
