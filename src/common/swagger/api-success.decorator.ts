import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';

export interface ApiSuccessOptions {
  status?: 200 | 201;
  /** The envelope message(s) of this route. */
  message: string | string[];
  /** The `data` payload: a response class, `[Class]` for a plain array, or null for `data: null`. */
  data: Type | [Type] | null | SchemaObject;
  /** `data` is the paginated object of §1.10 around this class. */
  paginated?: boolean;
}

function isSchema(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function dataSchema(options: ApiSuccessOptions): SchemaObject {
  const { data } = options;
  if (data === null)
    return { type: 'object', nullable: true, enum: [null], description: 'Always null' };
  if (isSchema(data)) return data;
  const item: SchemaObject = {
    $ref: getSchemaPath(Array.isArray(data) ? data[0] : data),
  } as SchemaObject;
  if (Array.isArray(data)) return { type: 'array', items: item };
  if (!options.paginated) return item;
  const integer: SchemaObject = { type: 'integer', minimum: 0 };
  const page: SchemaObject = { type: 'integer', minimum: 1 };
  return {
    type: 'object',
    required: [
      'docs',
      'totalDocs',
      'limit',
      'page',
      'totalPages',
      'pagingCounter',
      'hasPrevPage',
      'hasNextPage',
      'prevPage',
      'nextPage',
    ],
    properties: {
      docs: { type: 'array', items: item },
      totalDocs: integer,
      limit: page,
      page,
      totalPages: page,
      pagingCounter: page,
      hasPrevPage: { type: 'boolean' },
      hasNextPage: { type: 'boolean' },
      prevPage: { type: 'integer', minimum: 1, nullable: true },
      nextPage: { type: 'integer', minimum: 1, nullable: true },
    },
  };
}

/** Documents the success envelope `{statusCode, message, data, success}` with the exact `data` schema. */
export function ApiSuccess(options: ApiSuccessOptions): MethodDecorator {
  const status = options.status ?? 200;
  const messages = Array.isArray(options.message) ? options.message : [options.message];
  const models =
    options.data === null || isSchema(options.data)
      ? []
      : Array.isArray(options.data)
        ? [options.data[0]]
        : [options.data];
  return applyDecorators(
    ApiExtraModels(...models),
    ApiResponse({
      status,
      description: messages.join(' | '),
      schema: {
        type: 'object',
        required: ['statusCode', 'message', 'data', 'success'],
        properties: {
          statusCode: { type: 'integer', enum: [status] },
          message: { type: 'string', enum: messages },
          data: dataSchema(options),
          success: { type: 'boolean', enum: [true] },
        },
      },
    }),
  );
}
