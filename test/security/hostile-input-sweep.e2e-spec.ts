import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { getMetadataStorage } from 'class-validator';
import { AUTH_MODE_KEY, AuthMode } from 'src/common/decorators/auth-mode.decorator';
import { bodyKindOf } from 'src/common/http/body-kind.util';
import { OPAQUE_ID_PARAMS } from 'src/common/interceptors/object-id-params.interceptor';
import type { TestUser } from 'test/factories/users.factory';
import { MISSING_ID } from 'test/utils/contract';
import { waitForLogLines } from 'test/utils/log-file';
import { type RawResponse, rawRequest } from 'test/utils/raw-http';
import { type RouteEntry, routeTable } from 'test/utils/route-table';
import type { TestApp } from 'test/utils/test-app';
import { startHostileApp } from 'test/security/hostile-app.util';

/**
 * Issue 11, item 3, as a sweep over the route table: every route gets deep nesting, broken or
 * unknown content encodings, ill-formed Unicode in every declared body field, query parameter
 * and path parameter, once anonymously and once signed in. Nothing may answer 5xx or anything
 * but the JSON error body, nothing is logged at error, and wherever the caller gets past
 * authentication the answer is the specific refusal. A new route is covered without listing it.
 */

const API = '/api/v1';
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const DEPTH_MESSAGE = 'Request body must not nest deeper than 32 levels';
/** The percent-encoding of a lone surrogate (CESU-8 of U+D800): not UTF-8. */
const ILL_FORMED_ESCAPE = '%ED%A0%80';
const DEEP_BODY = `{"a":${'['.repeat(1499)}${']'.repeat(1499)}}`;
const BROKEN_ENCODINGS: [string, Buffer][] = [
  ['gzip', Buffer.from('this is not gzip')],
  ['deflate', Buffer.from([0x78, 0x9c, 0xff, 0xff, 0x00])],
  ['br', Buffer.from([0xff, 0xff, 0xff, 0xff])],
  ['x-unknown', Buffer.from('{}')],
];

type Caller = 'anonymous' | 'signed-in';

/**
 * Who gets past authentication to the body and validation steps, per auth mode
 * (docs/api.md#auth-modes).
 */
const REACHES_INPUT: Record<Caller, Set<unknown>> = {
  anonymous: new Set([AuthMode.Public, AuthMode.Guest, AuthMode.Optional]),
  'signed-in': new Set([
    AuthMode.Public,
    AuthMode.Optional,
    AuthMode.Required,
    AuthMode.RelaxedRequired,
  ]),
};

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Metatype = Function;

/** The DTO class of the handler argument of this kind (`@Body()`, `@Query()`), if any. */
function dtoOf(route: RouteEntry, kind: RouteParamtypes): Metatype | undefined {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controllerClass, route.handler) ??
    {}) as Record<string, { index: number }>;
  const entry = Object.entries(args).find(([key]) => key.split(':')[0] === String(kind));
  if (!entry) return undefined;
  const types = Reflect.getMetadata(
    'design:paramtypes',
    route.controllerClass.prototype as object,
    route.handler,
  ) as Metatype[];
  return types[entry[1].index];
}

function declaredFields(dto: Metatype | undefined): string[] {
  if (!dto) return [];
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  return [...new Set(metadata.map((entry) => entry.propertyName))];
}

describe('Hostile input sweep over every route (issue 11, item 3)', () => {
  let t: TestApp;
  let port: number;
  let user: TestUser;
  let logDir: string;

  beforeAll(async () => {
    ({ t, port, user, logDir } = await startHostileApp());
  });
  afterAll(async () => {
    await t?.close();
  });

  const modeOf = (route: RouteEntry): unknown =>
    Reflect.getMetadata(AUTH_MODE_KEY, route.handlerFn) ??
    Reflect.getMetadata(AUTH_MODE_KEY, route.controllerClass);

  function urlOf(route: RouteEntry, override?: { param: string; raw: string }): string {
    const outside = route.path.startsWith('/health') || route.path.startsWith('/media');
    const path = route.path.replace(/[:*]([A-Za-z]+)/g, (_, name: string) => {
      if (override?.param === name) return override.raw;
      if (name === 'username') return user.username;
      // An id in its own format (a session id) where the route takes one, an ObjectId elsewhere.
      if (Object.hasOwn(OPAQUE_ID_PARAMS, name)) return OPAQUE_ID_PARAMS[name].example;
      return name.endsWith('Id') ? MISSING_ID : 'file.bin';
    });
    return outside ? path : `${API}${path}`;
  }

  function credentials(caller: Caller): Record<string, string> {
    return caller === 'signed-in'
      ? { Authorization: user.authHeader, Cookie: `refreshToken=${user.refreshToken}` }
      : {};
  }

  /** Every answer: below 500, and when an error, exactly the JSON error body. */
  function shapeProblem(method: string, res: RawResponse): string | null {
    if (res.status >= 500) return `answered ${res.status}`;
    if (res.status < 400 || method === 'HEAD') return null;
    const body = res.body ?? {};
    const ok =
      body.statusCode === res.status &&
      body.success === false &&
      typeof body.code === 'string' &&
      typeof body.message === 'string' &&
      body.requestId === res.headers['x-request-id'];
    return ok ? null : `not the error body: ${res.text.slice(0, 200)}`;
  }

  it('finds the routes, their body kinds and their declared fields', () => {
    const routes = routeTable(t.app);
    const writes = routes.filter((route) => WRITE_METHODS.has(route.method));
    expect(writes.length).toBeGreaterThan(25);
    const kinds = new Set(
      writes.map((route) => bodyKindOf(route.controllerClass, route.handlerFn)),
    );
    expect(kinds).toEqual(new Set(['json', 'none', 'multipart', 'stream']));
    const register = routes.find((route) => route.path === '/auth/register');
    expect(declaredFields(dtoOf(register!, RouteParamtypes.BODY)).sort()).toEqual([
      'email',
      'name',
      'password',
      'username',
    ]);
  });

  it('never answers 5xx nor anything but the error body, and refuses each input as specified', async () => {
    const failures: string[] = [];
    let cases = 0;
    const check = async (
      label: string,
      method: string,
      url: string,
      headers: Record<string, string>,
      body: Buffer | string | undefined,
      expected: ((res: RawResponse) => string | null) | null,
    ): Promise<void> => {
      cases += 1;
      const res = await rawRequest(port, method, url, headers, body);
      // A HEAD answer has no body to compare; its GET twin is checked in full.
      const problem =
        shapeProblem(method, res) ?? (method === 'HEAD' ? null : expected?.(res)) ?? null;
      if (problem) failures.push(`${label} ${method} ${url}: ${problem}`);
    };
    const refusal =
      (status: number, code: string, predicate: (res: RawResponse) => boolean) =>
      (res: RawResponse): string | null =>
        res.status === status && res.body?.code === code && predicate(res)
          ? null
          : `expected ${status} ${code}, got ${res.status} ${res.text.slice(0, 200)}`;

    for (const route of routeTable(t.app)) {
      const mode = modeOf(route);
      const kind = bodyKindOf(route.controllerClass, route.handlerFn);
      const bodyFields = declaredFields(dtoOf(route, RouteParamtypes.BODY));
      const queryFields = declaredFields(dtoOf(route, RouteParamtypes.QUERY));
      const params = [...route.path.matchAll(/[:*]([A-Za-z]+)/g)].map((match) => match[1]);

      for (const caller of ['anonymous', 'signed-in'] as const) {
        const auth = credentials(caller);
        const strict = REACHES_INPUT[caller].has(mode);
        const label = `[${caller}]`;

        // Path parameters are decoded while routing, before any other step.
        for (const param of params) {
          await check(
            label,
            route.method,
            urlOf(route, { param, raw: ILL_FORMED_ESCAPE }),
            auth,
            undefined,
            refusal(400, param.endsWith('Id') ? 'INVALID_ID' : 'VALIDATION_ERROR', (res) =>
              JSON.stringify(res.body?.errors).includes(`"field":"${param}"`),
            ),
          );
        }
        // Node decodes a query string that is not UTF-8 with replacement characters.
        for (const field of queryFields) {
          await check(
            label,
            route.method,
            `${urlOf(route)}?${field}=${ILL_FORMED_ESCAPE}`,
            auth,
            undefined,
            null,
          );
        }
        if (!WRITE_METHODS.has(route.method)) continue;

        // A raw body (tus upload data) has no fields to refuse: only its encoding is checked.
        const raw = kind === 'multipart' || kind === 'stream';
        const contentType =
          kind === 'multipart'
            ? 'multipart/form-data; boundary=sweep'
            : kind === 'stream'
              ? 'application/offset+octet-stream'
              : 'application/json; charset=utf-8';
        await check(
          label,
          route.method,
          urlOf(route),
          { ...auth, 'Content-Type': 'application/json' },
          DEEP_BODY,
          strict && !raw
            ? refusal(400, 'VALIDATION_ERROR', (res) => res.body?.message === DEPTH_MESSAGE)
            : null,
        );
        for (const [coding, bytes] of BROKEN_ENCODINGS) {
          await check(
            label,
            route.method,
            urlOf(route),
            { ...auth, 'Content-Type': contentType, 'Content-Encoding': coding },
            bytes,
            strict ? refusal(415, 'UNSUPPORTED_MEDIA_TYPE', () => true) : null,
          );
        }
        if (raw) continue;
        for (const field of bodyFields.length > 0 ? bodyFields : ['anything']) {
          const message =
            kind === 'json' ? `${field} must be valid Unicode text` : `${field} is not allowed`;
          await check(
            label,
            route.method,
            urlOf(route),
            { ...auth, 'Content-Type': 'application/json' },
            `{"${field}":"\\ud800"}`,
            strict
              ? refusal(400, 'VALIDATION_ERROR', (res) =>
                  JSON.stringify(res.body?.errors).includes(
                    JSON.stringify({ field, location: 'body', message }),
                  ),
                )
              : null,
          );
        }
      }
    }
    expect(cases).toBeGreaterThan(500);
    expect(failures).toEqual([]);
    const errors = await waitForLogLines(logDir, (line) => line.level === 'error');
    expect(errors.map((line) => line.message)).toEqual([]);
    // About a thousand requests: well over the default timeout on a loaded 2-core machine.
  }, 180_000);
});
