import { applyDecorators, HttpCode, SetMetadata, type Type, UseInterceptors } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { ApiResult } from 'src/common/decorators/response-message.decorator';
import type { CursorList, CursorPaginated, Paginated } from 'src/common/dto/paginated.util';
import { NextCursorHeaderInterceptor } from 'src/common/interceptors/next-cursor-header.interceptor';
import type { ErrorDefinition } from 'src/common/errors/define-error.util';
import {
  plainDefinition,
  ROUTE_ERRORS_EXTENSION,
} from 'src/common/swagger/openapi-extensions.constant';
import { type DataOption, documentSuccess } from 'src/common/swagger/success-response.util';

/** The route's envelope messages: one when fixed, several when the outcome picks one. */
export const ENDPOINT_MESSAGES_KEY = 'dancely:endpoint-messages';

/** Several messages: the handler returns an `ApiResult` carrying the one that happened. */
type Messages = string | readonly [string, string, ...string[]];

export interface EndpointOptions<
  M extends Messages,
  D extends DataOption,
  P extends boolean,
  C extends boolean,
> {
  /** The status of a success, answered and documented; 200 unless given. */
  status?: 200 | 201;
  /** The envelope message, from the module's messages constant. */
  message: M;
  data: D;
  /** `data` is the paginated object (docs/api.md#paginated-object) around the `data` class. */
  paginated?: P;
  /**
   * The list has cursor pages too (docs/api.md#cursor-pages): the paginated object has
   * `nextCursor`; a plain array (`data: [Item]`) is returned as a `CursorList` whose cursor goes
   * to the `X-Next-Cursor` header.
   */
  cursor?: C;
  /** The route's own failures; those every route shares are added by `completeOperations`. */
  errors?: readonly ErrorDefinition[];
}

/** What `data` says the handler returns. */
type DataOf<D, P, C> = D extends null
  ? null | void
  : D extends readonly [Type<infer T>]
    ? C extends true
      ? CursorList<T>
      : T[]
    : D extends Type<infer T>
      ? P extends true
        ? C extends true
          ? CursorPaginated<T>
          : Paginated<T>
        : T
      : unknown;

type Returned<M, D, P, C> = M extends string ? DataOf<D, P, C> : ApiResult<DataOf<D, P, C>>;

/** A method decorator that fits only a handler returning `R` or a promise of it. */
type HandlerDecorator<R> = <F extends (...args: never[]) => R | Promise<R>>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<F>,
) => void;

/**
 * Everything a route states about its answers, each from the constant that holds it: the success
 * status (`@HttpCode`), the envelope message(s) and the `data` schema, and the route's own
 * failures as `ErrorDefinition`s (`VideosErrors.notFound`), documented with the codes, statuses
 * and texts the service throws. The handler's return type must agree with `data`, and with
 * several messages it must return an `ApiResult`; the compiler checks both.
 */
export function Endpoint<
  const M extends Messages,
  const D extends DataOption,
  P extends boolean = false,
  C extends boolean = false,
>(options: EndpointOptions<M, D, P, C>): HandlerDecorator<Returned<M, D, P, C>> {
  const status = options.status ?? 200;
  const messages: readonly string[] =
    typeof options.message === 'string' ? [options.message] : options.message;
  const decorator = applyDecorators(
    HttpCode(status),
    SetMetadata(ENDPOINT_MESSAGES_KEY, messages),
    documentSuccess({
      status,
      messages,
      data: options.data,
      paginated: options.paginated ?? false,
      cursor: options.cursor ?? false,
    }),
    ApiExtension(ROUTE_ERRORS_EXTENSION, (options.errors ?? []).map(plainDefinition)),
    ...(options.cursor && Array.isArray(options.data)
      ? [UseInterceptors(NextCursorHeaderInterceptor)]
      : []),
  );
  return (target, key, descriptor) => decorator(target, key, descriptor);
}
