import { SetMetadata } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';

export type BodyKind = 'json' | 'none' | 'multipart' | 'stream';

export const BODY_KIND_KEY = 'dancely:body-kind';

/** Marks an upload route: its body is parsed by the upload interceptor, not as JSON. */
export const MultipartBody = (): MethodDecorator => SetMetadata(BODY_KIND_KEY, 'multipart');

/** Marks a route whose handler reads the raw body stream itself (tus `PATCH`, docs/api.md#resumable-uploads). */
export const StreamBody = (): MethodDecorator => SetMetadata(BODY_KIND_KEY, 'stream');

const cache = new WeakMap<object, BodyKind>();

/** `json` when the handler declares `@Body()`, `multipart` or `stream` when marked, otherwise `none`. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function bodyKindOf(controller: Function, handler: Function): BodyKind {
  const cached = cache.get(handler);
  if (cached) return cached;
  let kind: BodyKind;
  const marked = Reflect.getMetadata(BODY_KIND_KEY, handler) as BodyKind | undefined;
  if (marked === 'multipart' || marked === 'stream') {
    kind = marked;
  } else {
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ??
      {}) as Record<string, unknown>;
    kind = Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.BODY))
      ? 'json'
      : 'none';
  }
  cache.set(handler, kind);
  return kind;
}
