import request from 'supertest';
import { createTestApp, type TestApp } from 'test/utils/test-app';

describe('Conventions (contract §1)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers an unknown route with the JSON 404 body and the request id', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/v1/nope').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/json; charset=utf-8/);
    expect(res.body).toEqual({
      statusCode: 404,
      success: false,
      message: 'Route not found',
      code: 'ROUTE_NOT_FOUND',
      requestId: res.headers['x-request-id'],
    });
  });

  it('serves liveness outside the API prefix', async () => {
    const res = await request(t.app.getHttpServer()).get('/health/live').expect(200);
    expect(res.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });
});
