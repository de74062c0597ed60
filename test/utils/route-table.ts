import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';

export interface RouteEntry {
  controller: string;
  handler: string;
  method: string;
  /** Controller path + method path, as declared (without prefix and version). */
  path: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  controllerClass: Function;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  handlerFn: Function;
}

/** Every route handler of the running application, read from Nest's own metadata. */
export function routeTable(app: INestApplication): RouteEntry[] {
  const routes: RouteEntry[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controllerClass = wrapper.metatype as (new (...args: unknown[]) => object) | null;
      if (!controllerClass) continue;
      const base = normalise(
        Reflect.getMetadata(PATH_METADATA, controllerClass) as string | string[] | undefined,
      );
      const proto = controllerClass.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const fn = proto[name];
        if (name === 'constructor' || typeof fn !== 'function') continue;
        const methodPath = Reflect.getMetadata(PATH_METADATA, fn) as string | string[] | undefined;
        if (methodPath === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod];
        const path = `/${[base, normalise(methodPath)].filter(Boolean).join('/')}`;
        routes.push({
          controller: controllerClass.name,
          handler: name,
          method,
          path,
          controllerClass,
          handlerFn: fn,
        });
      }
    }
  }
  return routes;
}

function normalise(path: string | string[] | undefined): string {
  const value = Array.isArray(path) ? path[0] : path;
  return (value ?? '').replace(/^\/+|\/+$/g, '');
}
