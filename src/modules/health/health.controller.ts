import { Controller, Get, Res, ServiceUnavailableException, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from 'src/common/decorators/auth-mode.decorator';
import { RawResponse } from 'src/common/decorators/response-message.decorator';
import { NoRateLimit } from 'src/common/rate-limit/no-rate-limit.decorator';
import { Transcoder } from 'src/infrastructure/transcoder/transcoder.service';
import { DatabaseHealthIndicator } from 'src/modules/health/database.health';

/**
 * Health (docs/api.md#health-and-media), outside /api/v1: health-check bodies instead of the
 * envelope, no auth, no rate limit. `@Res({ passthrough: true })` only sets the 503 status; the
 * body is still returned. `GET /health/live` is not here: see `liveness.route.ts`.
 */
@ApiExcludeController()
@Public()
@NoRateLimit()
@RawResponse()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly transcoder: Transcoder,
  ) {}

  /**
   * The database decides the status; the details also say whether videos get HLS renditions
   * (`transcoder`: `up`, `absent` or `disabled`), which never makes the check fail: without a
   * transcoder, videos are served as MP4 only.
   */
  @Get()
  @HealthCheck()
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    const result = await this.databaseCheck(res);
    // Not a terminus indicator: its statuses are up/down/degraded, and `absent` is none of them.
    const transcoder = {
      status: this.transcoder.status,
    } as unknown as HealthIndicatorResult[string];
    return { ...result, details: { ...result.details, transcoder } };
  }

  @Get('ready')
  @HealthCheck()
  ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return this.databaseCheck(res);
  }

  private async databaseCheck(res: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.database.check('database')]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        res.status(503);
        return error.getResponse() as HealthCheckResult;
      }
      throw error;
    }
  }
}
