import { applyDecorators } from '@nestjs/common';
import { ApiConsumes, ApiExtension, type SchemaObject } from '@nestjs/swagger';
import { CommonErrors } from 'src/common/errors/common.errors';
import { errorDefinition } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import {
  MULTIPART_EXTENSION,
  type MultipartDescription,
  plainDefinition,
} from 'src/common/swagger/openapi-extensions.constant';
import {
  CONTENT_TYPES,
  MULTIPART_BODY_LIMIT,
  type UploadFieldSpec,
  type UploadSpec,
} from 'src/common/uploads/upload-spec.type';
import { UploadFieldMessages, UploadsErrors } from 'src/common/uploads/uploads.errors';

const MB = 1024 * 1024;

function size(bytes: number): string {
  return bytes % MB === 0 ? `${bytes / MB} MB` : `${bytes} bytes`;
}

function fileSchema(field: UploadFieldSpec): SchemaObject {
  const types = field.accepts.map((type) => type.toUpperCase()).join(' or ');
  return {
    type: 'string',
    format: 'binary',
    description: `${types} (checked on the bytes), at most ${size(field.maxBytes)}`,
  };
}

/**
 * What the multipart interceptor enforces for `spec`, as the OpenAPI document states it: one
 * binary property per file field with its types and size, and every failure the pipeline gives
 * for these fields, in the order the checks run. The text fields come from the route's body DTO.
 */
export function describeUpload(
  spec: UploadSpec,
  alternatives: Record<string, string> = {},
): MultipartDescription {
  const fields = Object.entries(spec);
  const each = (code: ErrorCode, message: (name: string, field: UploadFieldSpec) => string) =>
    fields.map(([name, field]) => errorDefinition(code, message(name, field)));
  return {
    description: `The multipart form, files included, at most ${size(MULTIPART_BODY_LIMIT)} in all`,
    files: Object.fromEntries(fields.map(([name, field]) => [name, fileSchema(field)])),
    encoding: Object.fromEntries(
      fields.map(([name, field]) => [
        name,
        { contentType: field.accepts.map((type) => CONTENT_TYPES[type]).join(', ') },
      ]),
    ),
    ...(Object.keys(alternatives).length > 0 ? { replaceable: Object.keys(alternatives) } : {}),
    errors: [
      ...each(ErrorCode.VALIDATION_ERROR, (_, field) => field.messages.missing),
      ...Object.entries(alternatives).map(([field, text]) =>
        errorDefinition(ErrorCode.VALIDATION_ERROR, UploadFieldMessages.eitherOr(field, text)),
      ),
      errorDefinition(ErrorCode.VALIDATION_ERROR, UploadFieldMessages.unexpected('<name>')),
      ...each(ErrorCode.VALIDATION_ERROR, (name) => UploadFieldMessages.duplicate(name)),
      ...each(ErrorCode.PAYLOAD_TOO_LARGE, (_, field) => field.messages.tooLarge),
      CommonErrors.bodyTooLarge,
      ...each(ErrorCode.UNSUPPORTED_MEDIA_TYPE, (_, field) => field.messages.wrongType),
      UploadsErrors.tooManyConcurrent,
      UploadsErrors.idleTimeout,
    ].map(plainDefinition),
  };
}

/** The OpenAPI side of `@MultipartUpload(spec)`. */
export function documentUpload(
  spec: UploadSpec,
  alternatives: Record<string, string> = {},
): MethodDecorator {
  return applyDecorators(
    ApiConsumes('multipart/form-data'),
    ApiExtension(MULTIPART_EXTENSION, describeUpload(spec, alternatives)),
  );
}
