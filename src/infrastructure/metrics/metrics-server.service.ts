import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { METRICS_PATH } from 'src/infrastructure/metrics/metrics.route';
import { MetricsService } from 'src/infrastructure/metrics/metrics.service';

/**
 * With `METRICS_PORT` set, `/metrics` is served on that port only, by a server of its own that
 * knows nothing else, so the port can stay private (scraped inside the cluster) while the main
 * port faces the load balancer. It starts with the application and stops with it.
 */
@Injectable()
export class MetricsServerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { enabled, port } = this.config.metrics;
    if (!enabled || port === null) return;
    const server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log(`Metrics served on port ${port} at ${METRICS_PATH}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    // A scraper's keep-alive connection would otherwise hold the close until it times out.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== METRICS_PATH) {
      this.plain(res, 404, 'Not Found');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      this.plain(res, 405, 'Method Not Allowed');
      return;
    }
    this.metrics.render().then(
      (text) => {
        res.writeHead(200, {
          'Content-Type': this.metrics.contentType,
          'Content-Length': Buffer.byteLength(text),
          'Cache-Control': 'no-store',
        });
        res.end(text); // Node leaves the body out for HEAD.
      },
      (error: unknown) => {
        this.logger.error(`Could not collect the metrics: ${String(error)}`);
        this.plain(res, 500, 'Internal Server Error');
      },
    );
  }

  private plain(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }
}
