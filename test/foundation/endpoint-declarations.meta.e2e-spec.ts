import { ENDPOINT_MESSAGES_KEY } from 'src/common/decorators/endpoint.decorator';
import { RAW_RESPONSE_KEY } from 'src/common/decorators/response-message.decorator';
import { routeTable } from 'test/utils/route-table';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * A fact is stated once: every enveloped route states its message, data and failures once, in
 * `@Endpoint()`; a route without one would answer the placeholder message `OK` and be
 * documented from guesses.
 */
describe('endpoint declarations (meta)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('finds @Endpoint() on every route inside the envelope, and on none outside it', () => {
    const routes = routeTable(t.app);
    const raw = (route: (typeof routes)[number]): boolean =>
      Boolean(
        Reflect.getMetadata(RAW_RESPONSE_KEY, route.handlerFn) ??
        Reflect.getMetadata(RAW_RESPONSE_KEY, route.controllerClass),
      );
    const declared = (route: (typeof routes)[number]): boolean =>
      Reflect.getMetadata(ENDPOINT_MESSAGES_KEY, route.handlerFn) !== undefined;
    const describe = (route: (typeof routes)[number]): string =>
      `${route.method} ${route.path} (${route.controller}.${route.handler})`;

    expect(routes.filter((route) => !raw(route)).length).toBeGreaterThanOrEqual(56);
    expect(routes.filter((route) => !raw(route) && !declared(route)).map(describe)).toEqual([]);
    expect(routes.filter((route) => raw(route) && declared(route)).map(describe)).toEqual([]);
  });
});
