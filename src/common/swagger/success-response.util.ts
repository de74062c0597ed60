import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';
import { NEXT_CURSOR_HEADER } from 'src/common/dto/paginated.util';

/** The `data` payload: a response class, `[Class]` for a plain array, null for `data: null`, or a schema. */
export type DataOption = Type | readonly [Type] | null | SchemaObject;

export interface SuccessResponse {
  status: 200 | 201;
  /** Every message the route can answer with. */
  messages: readonly string[];
  data: DataOption;
  /** `data` is the paginated object (docs/api.md#paginated-object) around this class. */
  paginated: boolean;
  /** ...with `nextCursor` after its keys (docs/api.md#cursor-pages). */
  cursor?: boolean;
}

function isSchema(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isArrayOf(value: DataOption): value is readonly [Type] {
  return Array.isArray(value);
}

function dataSchema({ data, paginated, cursor = false }: SuccessResponse): SchemaObject {
  if (data === null)
    return { type: 'object', nullable: true, enum: [null], description: 'Always null' };
  if (isSchema(data)) return data;
  const item: SchemaObject = {
    $ref: getSchemaPath(isArrayOf(data) ? data[0] : data),
  } as SchemaObject;
  if (isArrayOf(data)) return { type: 'array', items: item };
  if (!paginated) return item;
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
      ...(cursor ? ['nextCursor'] : []),
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
      ...(cursor ? { nextCursor: NEXT_CURSOR } : {}),
    },
  };
}

const NEXT_CURSOR: SchemaObject = {
  type: 'string',
  nullable: true,
  description: 'Pass as `cursor` for the next page; null when nothing follows',
};

/** Documents the success envelope `{statusCode, message, data, success}` with the exact `data` schema. */
export function documentSuccess(success: SuccessResponse): MethodDecorator {
  const { status, messages, data } = success;
  const models = data === null || isSchema(data) ? [] : isArrayOf(data) ? [data[0]] : [data];
  return applyDecorators(
    ApiExtraModels(...models),
    ApiResponse({
      status,
      description: messages.join(' | '),
      ...(success.cursor && isArrayOf(data)
        ? {
            headers: {
              [NEXT_CURSOR_HEADER]: {
                description:
                  'Pass as `cursor` for the next page; absent when nothing follows (docs/api.md#cursor-pages)',
                schema: { type: 'string' },
              },
            },
          }
        : {}),
      schema: {
        type: 'object',
        required: ['statusCode', 'message', 'data', 'success'],
        properties: {
          statusCode: { type: 'integer', enum: [status] },
          message: { type: 'string', enum: [...messages] },
          data: dataSchema(success),
          success: { type: 'boolean', enum: [true] },
        },
      },
    }),
  );
}
