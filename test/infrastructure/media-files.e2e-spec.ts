import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { AllExceptionsFilter } from 'src/common/filters/all-exceptions.filter';
import { type AppConfig, loadAppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.provider';
import { LocalMediaStorage } from 'src/infrastructure/media/local-media-storage.adapter';
import { MediaStorage } from 'src/infrastructure/media/media-storage.port';
import { MediaStorageModule } from 'src/infrastructure/media/media-storage.module';

/**
 * `GET /media/*` through a tiny Nest app: only the media module, the config and the global error
 * filter.
 */

@Module({})
class TestConfigModule {
  static with(config: AppConfig): DynamicModule {
    return {
      module: TestConfigModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}

async function createApp(config: AppConfig): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [TestConfigModule.with(config), MediaStorageModule],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalFilters(new AllExceptionsFilter(config));
  await app.init();
  return app;
}

const CONTENT = Buffer.concat([
  Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex'),
  Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251)),
]);

describe('GET /media/* (local storage)', () => {
  let dir: string;
  let app: INestApplication;
  const http = (): App => app.getHttpServer() as App;
  let path: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dancely-media-http-'));
    const config = loadAppConfig(
      { NODE_ENV: 'test', MEDIA_STORAGE: 'local', MEDIA_LOCAL_DIR: join(dir, 'media') },
      dir,
    );
    app = await createApp(config);
    const stored = await app.get(MediaStorage).upload({
      source: { buffer: CONTENT },
      resourceType: 'video',
      contentType: 'video/mp4',
      folder: 'videos',
    });
    path = new URL(stored.url).pathname;
  });

  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the whole file with its type, length and immutable caching', async () => {
    const res = await request(http()).get(path).responseType('blob');

    expect(path).toMatch(/^\/media\/videos\/[0-9a-f-]{36}\.mp4$/);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('video/mp4');
    expect(res.headers['content-length']).toBe(String(CONTENT.length));
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['content-range']).toBeUndefined();
    expect(Buffer.compare(res.body as Buffer, CONTENT)).toBe(0);
  });

  it.each([
    ['bytes=0-9', 0, 9],
    ['bytes=1000-', 1000, CONTENT.length - 1],
    ['bytes=-24', CONTENT.length - 24, CONTENT.length - 1],
    ['bytes=500-99999', 500, CONTENT.length - 1],
  ])('answers %s with 206 and the exact slice', async (range, start, end) => {
    const res = await request(http()).get(path).set('Range', range).responseType('blob');

    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${CONTENT.length}`);
    expect(res.headers['content-length']).toBe(String(end - start + 1));
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(Buffer.compare(res.body as Buffer, CONTENT.subarray(start, end + 1))).toBe(0);
  });

  it.each([['bytes=5000-'], ['bytes=9-3'], ['bytes=0-1,4-5'], ['lines=1-2']])(
    'serves the whole file with 200 for the unusable range %s',
    async (range) => {
      const res = await request(http()).get(path).set('Range', range).responseType('blob');

      expect(res.status).toBe(200);
      expect(res.headers['content-range']).toBeUndefined();
      expect((res.body as Buffer).length).toBe(CONTENT.length);
    },
  );

  it('answers HEAD with the GET headers and no body', async () => {
    const whole = await request(http()).head(path);
    const ranged = await request(http()).head(path).set('Range', 'bytes=0-99');

    expect(whole.status).toBe(200);
    expect(whole.headers['content-length']).toBe(String(CONTENT.length));
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(whole.text ?? '').toBe('');
    expect(ranged.status).toBe(206);
    expect(ranged.headers['content-range']).toBe(`bytes 0-99/${CONTENT.length}`);
  });

  it('never opens the file for HEAD', async () => {
    const storage = app.get<MediaStorage, LocalMediaStorage>(MediaStorage);
    const streams = jest.fn();
    const open = jest.spyOn(storage, 'open').mockImplementation(async (key) => {
      const file = await LocalMediaStorage.prototype.open.call(storage, key);
      return file && { ...file, stream: (range) => (streams(), file.stream(range)) };
    });
    try {
      await request(http()).head(path);
      expect(open).toHaveBeenCalledTimes(1);
      expect(streams).not.toHaveBeenCalled();

      await request(http()).get(path).responseType('blob');
      expect(streams).toHaveBeenCalledTimes(1);
    } finally {
      open.mockRestore();
    }
  });

  it.each([
    ['/media/videos/00000000-0000-4000-8000-000000000000.mp4'],
    ['/media/videos/..%2F..%2Fpackage.json'],
    ['/media/..%2F..%2Fetc%2Fpasswd'],
    ['/media/videos'],
  ])('answers %s with the JSON 404 body', async (missing) => {
    const res = await request(http()).get(missing);

    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      statusCode: 404,
      success: false,
      code: 'NOT_FOUND',
      message: 'File not found',
    });
  });
});

describe('GET /media/* (Cloudinary storage)', () => {
  let app: INestApplication;
  const http = (): App => app.getHttpServer() as App;

  beforeAll(async () => {
    const config = loadAppConfig({
      NODE_ENV: 'test',
      MEDIA_STORAGE: 'cloudinary',
      CLOUDINARY_CLOUD_NAME: 'dancely-test',
      CLOUDINARY_API_KEY: '123456789012345',
      CLOUDINARY_API_SECRET: 'a-real-looking-secret-value',
    });
    app = await createApp(config);
  });

  afterAll(async () => {
    await app.close();
  });

  it('does not exist: same 404 as an unknown route', async () => {
    const res = await request(http()).get('/media/videos/00000000-0000-4000-8000-000000000000.mp4');

    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      statusCode: 404,
      success: false,
      code: 'ROUTE_NOT_FOUND',
      message: 'Route not found',
    });
  });
});
