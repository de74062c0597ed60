import type { ExecutionContext } from '@nestjs/common';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Target = Function;

/**
 * Memoises a value derived from a route's decorator metadata. Metadata is fixed once the
 * application is built, so reading it through reflect-metadata on every request (handler,
 * then class) is repeated work; this reads it once per handler and controller class.
 */
export function perRoute<T>(read: (handler: Target, controller: Target) => T) {
  const cache = new WeakMap<Target, WeakMap<Target, { value: T }>>();
  return (context: ExecutionContext): T => {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byClass = cache.get(handler);
    if (!byClass) {
      byClass = new WeakMap();
      cache.set(handler, byClass);
    }
    let entry = byClass.get(controller);
    if (!entry) {
      entry = { value: read(handler, controller) };
      byClass.set(controller, entry);
    }
    return entry.value;
  };
}
