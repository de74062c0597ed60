import { AUTH_MODE_KEY, AuthMode } from 'src/common/decorators/auth-mode.decorator';
import { ProbeModule } from 'test/foundation/probe.module';
import { routeTable } from 'test/utils/route-table';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/** Deny by default: every route declares its auth mode; a new route without one fails here. */
describe('auth mode declarations (meta)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const modeOf = (controllerClass: object, handler: object): unknown =>
    Reflect.getMetadata(AUTH_MODE_KEY, handler) ??
    Reflect.getMetadata(AUTH_MODE_KEY, controllerClass);

  it('finds every route of the application and each one declares a known mode', () => {
    const routes = routeTable(t.app);
    expect(routes.length).toBeGreaterThanOrEqual(4);
    const undeclared = routes.filter(
      (route) =>
        !Object.values(AuthMode).includes(
          modeOf(route.controllerClass, route.handlerFn) as AuthMode,
        ),
    );
    expect(
      undeclared.map(
        (route) => `${route.method} ${route.path} (${route.controller}.${route.handler})`,
      ),
    ).toEqual([]);
  });

  it('would catch a route without a declared mode', async () => {
    const withProbe = await createTestApp({}, { imports: [ProbeModule] });
    try {
      const undeclared = routeTable(withProbe.app).filter(
        (route) => modeOf(route.controllerClass, route.handlerFn) === undefined,
      );
      expect(undeclared.map((route) => route.handler)).toEqual(['undeclared']);
    } finally {
      await withProbe.close();
    }
  });
});
