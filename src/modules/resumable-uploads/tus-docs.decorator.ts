import { applyDecorators } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExtension,
  ApiHeader,
  ApiOperation,
  ApiResponse,
  type HeaderObject,
} from '@nestjs/swagger';
import type { ErrorDefinition } from 'src/common/errors/define-error.util';
import {
  plainDefinition,
  ROUTE_ERRORS_EXTENSION,
} from 'src/common/swagger/openapi-extensions.constant';
import { VIDEO_FILE } from 'src/common/uploads/media-fields.constant';

export const TUS_OFFSET_CONTENT_TYPE = 'application/offset+octet-stream';

type TusRequestHeader = 'Upload-Length' | 'Upload-Offset' | 'Upload-Metadata';

/** A byte count as tus writes it: decimal digits (a JavaScript-safe integer). */
const BYTE_COUNT = { type: 'string', pattern: '^[0-9]{1,15}$' } as const;
/** tus metadata: `key[ base64]` pairs, comma-separated; a key is printable ASCII without comma. */
const METADATA_PAIR = '[!-+\\--~]+( ([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)?';
/** A whole `Upload-Metadata` header (the service also refuses a key given twice). */
export const TUS_METADATA_PATTERN = `^${METADATA_PAIR}(,${METADATA_PAIR})*$`;

const REQUEST_HEADERS: Record<
  TusRequestHeader,
  { description: string; required: boolean; schema: Record<string, unknown> }
> = {
  'Upload-Length': {
    description: `Total size of the upload in bytes, at most ${VIDEO_FILE.maxBytes} (the video limit); deferred lengths are not supported`,
    required: true,
    schema: BYTE_COUNT,
  },
  'Upload-Offset': {
    description: 'Where this chunk starts: the `Upload-Offset` the last `HEAD` or `PATCH` answered',
    required: true,
    schema: BYTE_COUNT,
  },
  'Upload-Metadata': {
    description:
      'Optional, tus format: comma-separated `key base64(value)` pairs, e.g. `filename`, `filetype`; a key at most once',
    required: false,
    schema: { type: 'string', pattern: TUS_METADATA_PATTERN },
  },
};

const RESPONSE_HEADERS: Record<string, HeaderObject> = {
  'Tus-Resumable': { description: 'Always `1.0.0`', schema: { type: 'string', enum: ['1.0.0'] } },
  Location: {
    description: 'The upload URL (relative): `/api/v1/uploads/{uploadId}`',
    schema: { type: 'string' },
  },
  'Upload-Offset': { description: 'Bytes received so far', schema: { type: 'integer' } },
  'Upload-Length': { description: 'The declared total', schema: { type: 'integer' } },
  'Upload-Expires': {
    description: 'When an unfinished upload is removed (RFC 9110 date)',
    schema: { type: 'string' },
  },
};

export interface TusOperation {
  summary: string;
  status: 200 | 201 | 204;
  description: string;
  requestHeaders: readonly TusRequestHeader[];
  responseHeaders: readonly string[];
  /** The request body is upload data (`PATCH`, and optionally the creation `POST`). */
  data: 'required' | 'optional' | 'none';
  errors: readonly ErrorDefinition[];
}

/**
 * The OpenAPI side of a tus route, as far as OpenAPI can state the protocol: its headers, the
 * upload data body, the success without a body and the route's own failures (the shared ones are
 * added by `completeOperations` like everywhere else).
 */
export function TusRoute(operation: TusOperation): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary: operation.summary }),
    ApiHeader({
      name: 'Tus-Resumable',
      required: true,
      description: 'tus protocol version',
      schema: { type: 'string', enum: ['1.0.0'] },
    }),
    ...operation.requestHeaders.map((name) => ApiHeader({ name, ...REQUEST_HEADERS[name] })),
    ...(operation.data === 'none'
      ? []
      : [
          ApiConsumes(TUS_OFFSET_CONTENT_TYPE),
          ApiBody({
            required: operation.data === 'required',
            description: 'Upload data, from `Upload-Offset` on',
            schema: { type: 'string', format: 'binary' },
          }),
        ]),
    ApiResponse({
      status: operation.status,
      description: operation.description,
      headers: Object.fromEntries(
        operation.responseHeaders.map((name) => [name, RESPONSE_HEADERS[name]]),
      ),
    }),
    ApiExtension(ROUTE_ERRORS_EXTENSION, operation.errors.map(plainDefinition)),
  );
}
