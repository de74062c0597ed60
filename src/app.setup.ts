import { NEXT_CURSOR_HEADER } from 'src/common/dto/paginated.util';
import { type NestApplicationOptions, RequestMethod, VersioningType } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { getStorageToken, type ThrottlerStorage } from '@nestjs/throttler';
import cookieParser from 'cookie-parser';
import type { Express, NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { WINSTON_MODULE_NEST_PROVIDER, WINSTON_MODULE_PROVIDER } from 'nest-winston';
import type { Logger as WinstonLogger } from 'winston';
import { ACCESS_COOKIE, REFRESH_COOKIE } from 'src/common/auth/credentials.util';
import { answerClientErrors } from 'src/common/http/client-error.util';
import { docsRateLimitMiddleware } from 'src/common/http/docs-rate-limit.middleware';
import { expressErrorMiddleware } from 'src/common/http/express-error.middleware';
import { httpCachingMiddleware } from 'src/common/http/http-caching.middleware';
import { outsideRoutesMiddleware } from 'src/common/http/outside-routes.middleware';
import { requestIdMiddleware } from 'src/common/http/request-id.middleware';
import { TUS_REQUEST_HEADERS, TUS_RESPONSE_HEADERS } from 'src/common/http/tus-headers.constant';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
} from 'src/common/idempotency/idempotency.constant';
import { ErrorBodyResponse, FieldErrorResponse } from 'src/common/swagger/error-body.response';
import { completeOperations } from 'src/common/swagger/openapi-document.util';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.provider';
import { accessLogMiddleware } from 'src/infrastructure/logging/access-log.middleware';
import { METRICS_PATH, metricsHandler } from 'src/infrastructure/metrics/metrics.route';
import { MetricsService } from 'src/infrastructure/metrics/metrics.service';
import { LIVENESS_PATH, livenessHandler } from 'src/modules/health/liveness.route';

export const API_PREFIX = 'api';
export const API_VERSION = '1';
export const API_BASE_PATH = `/${API_PREFIX}/v${API_VERSION}`;
export const DOCS_PATH = `${API_BASE_PATH}/docs`;

/**
 * Options of the application itself, shared by `main.ts` and the tests. Literal segments win over
 * parameters (docs/api.md#paths: `/user/search` before `/user/:username`) whatever the module
 * order, and two handlers claiming the same method and path stop the boot.
 */
export const APP_OPTIONS: NestApplicationOptions = {
  bodyParser: false,
  bufferLogs: true,
  routeResolutionStrategy: 'specificity',
  routeConflictPolicy: { duplicate: 'error' },
};

/**
 * Everything that turns the Nest application into the Dancely HTTP service. `main.ts` and every
 * e2e test call this, so tests exercise exactly what production runs.
 */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  const config = app.get<AppConfig>(APP_CONFIG);
  app.useLogger(app.get(WINSTON_MODULE_NEST_PROVIDER));
  const winston = app.get<WinstonLogger>(WINSTON_MODULE_PROVIDER);
  const metrics = app.get(MetricsService);
  // With METRICS_PORT set, /metrics is served there only (MetricsServerService), and is unknown here.
  const metricsHere = config.metrics.enabled && config.metrics.port === null;

  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // ETags are strong and set by httpCachingMiddleware, on 200 reads only.
  app.set('etag', false);
  app.use(requestIdMiddleware);
  app.use(accessLogMiddleware(winston, metrics.requestObserver()));
  app.use(securityHeaders());
  app.enableCors({
    origin: (
      origin: string | undefined,
      callback: (error: Error | null, allow?: boolean) => void,
    ) => callback(null, origin !== undefined && config.cors.origins.includes(origin)),
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: [
      'Content-Type',
      'Authorization',
      'X-Requested-With',
      'X-Request-Id',
      'Accept',
      'If-Match',
      'If-None-Match',
      IDEMPOTENCY_KEY_HEADER,
      ...TUS_REQUEST_HEADERS,
    ],
    exposedHeaders: [
      'X-Request-Id',
      'Retry-After',
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
      'RateLimit',
      'RateLimit-Policy',
      'ETag',
      IDEMPOTENT_REPLAYED_HEADER,
      NEXT_CURSOR_HEADER,
      ...TUS_RESPONSE_HEADERS,
    ],
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
  app.use(cookieParser());
  app.use(httpCachingMiddleware({ noStorePrefixes: [`${API_BASE_PATH}/auth/`] }));
  app.use(
    outsideRoutesMiddleware([API_PREFIX, 'health', 'media', ...(metricsHere ? ['metrics'] : [])]),
  );
  app.use(expressErrorMiddleware(config.exposeStack));
  // After all of the above, before Nest's routes (see liveness.route.ts and metrics.route.ts).
  const server: Express = app.getHttpAdapter().getInstance();
  server.get(LIVENESS_PATH, livenessHandler);
  if (metricsHere) server.get(METRICS_PATH, metricsHandler(metrics));

  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.ALL },
      { path: 'health/*path', method: RequestMethod.ALL },
      { path: 'media/*path', method: RequestMethod.ALL },
      // Nest's 404 (and 405) answers for the paths around /metrics, as for /health.
      ...(metricsHere
        ? [
            { path: 'metrics', method: RequestMethod.ALL },
            { path: 'metrics/*path', method: RequestMethod.ALL },
          ]
        : []),
    ],
  });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: API_VERSION });
  answerClientErrors(app.getHttpServer());

  if (config.docsEnabled) setupDocs(app, config);
  // SIGTERM/SIGINT: stop accepting, let in-flight requests finish, then close the database
  // (Nest closes the HTTP server before running the shutdown hooks), and exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  return app;
}

/** Helmet's defaults everywhere; the Swagger UI alone gets the inline styles and data images it needs. */
function securityHeaders() {
  const strict = helmet();
  const docs = helmet({
    contentSecurityPolicy: {
      directives: {
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'https://validator.swagger.io'],
      },
    },
  });
  return (req: Request, res: Response, next: NextFunction): void =>
    (req.path.startsWith(DOCS_PATH) ? docs : strict)(req, res, next);
}

export function buildOpenApiDocument(
  app: NestExpressApplication,
  config: AppConfig,
): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Dancely API')
    .setDescription(
      'Dance videos, likes, comments, follows, community posts, playlists and a creator dashboard. ' +
        'Every success is wrapped in `{statusCode, message, data, success}`; every failure is the error body with `code` and `requestId`.',
    )
    .setVersion('1.0.0')
    .addServer(`${config.baseUrl}${API_BASE_PATH}`)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addCookieAuth(ACCESS_COOKIE, { type: 'apiKey', in: 'cookie', name: ACCESS_COOKIE }, 'cookie')
    .addCookieAuth(
      REFRESH_COOKIE,
      { type: 'apiKey', in: 'cookie', name: REFRESH_COOKIE },
      'refreshCookie',
    );
  const document = SwaggerModule.createDocument(app, builder.build(), {
    extraModels: [ErrorBodyResponse, FieldErrorResponse],
  });
  completeOperations(document);
  // The server URL already ends in /api/v1, so operation paths are relative to it.
  const paths: OpenAPIObject['paths'] = {};
  for (const [path, item] of Object.entries(document.paths)) {
    paths[path.startsWith(API_BASE_PATH) ? path.slice(API_BASE_PATH.length) || '/' : path] = item;
  }
  document.paths = paths;
  return document;
}

function setupDocs(app: NestExpressApplication, config: AppConfig): void {
  const storage = app.get<ThrottlerStorage>(getStorageToken());
  app.use(DOCS_PATH, docsRateLimitMiddleware(storage, config.rateLimits.global));
  app.use(`${API_BASE_PATH}/docs-json`, docsRateLimitMiddleware(storage, config.rateLimits.global));
  let document: OpenAPIObject | undefined;
  const lazyDocument = (): OpenAPIObject => (document ??= buildOpenApiDocument(app, config));
  SwaggerModule.setup(DOCS_PATH.slice(1), app, lazyDocument, {
    useGlobalPrefix: false,
    jsonDocumentUrl: `${API_BASE_PATH.slice(1)}/docs-json`,
    raw: ['json'],
    customSiteTitle: 'Dancely API docs',
    swaggerOptions: { persistAuthorization: true, withCredentials: true },
  });
  // The original path of the document, kept for existing tooling (docs/api.md#openapi).
  const server: Express = app.getHttpAdapter().getInstance();
  server.get(`${DOCS_PATH}/json`, (_req: Request, res: Response) => {
    res.type('application/json; charset=utf-8').send(JSON.stringify(lazyDocument()));
  });
}
