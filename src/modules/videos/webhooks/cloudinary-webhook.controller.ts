import { Controller, Headers, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from 'src/common/decorators/auth-mode.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import { CommonErrors } from 'src/common/errors/common.errors';
import { StreamBody } from 'src/common/http/body-kind.util';
import { readRawJsonBody } from 'src/common/http/raw-json-body.util';
import { VideoProcessingService } from 'src/modules/videos/video-processing.service';
import { VideosErrors } from 'src/modules/videos/videos.errors';
import { VideosMessages } from 'src/modules/videos/videos.messages';
import { CloudinaryNotificationQueryDto } from 'src/modules/videos/webhooks/cloudinary-notification-query.dto';

/** Cloudinary's notifications are small JSON documents; anything bigger is not one. */
const NOTIFICATION_BODY_LIMIT = '64kb';

/**
 * `/webhooks/cloudinary`: where Cloudinary reports an eager HLS derivative (docs/api.md#processing).
 * Not for API clients: no session, the signature over the exact body is the authentication, and
 * a verified notification is acknowledged with 200 whatever it says (Cloudinary retries others).
 */
@ApiTags('Webhooks')
@Public()
@Controller('webhooks')
export class CloudinaryWebhookController {
  constructor(private readonly processing: VideoProcessingService) {}

  @Post('cloudinary')
  @StreamBody()
  @ApiHeader({
    name: 'X-Cld-Signature',
    required: true,
    description: 'Hex SHA-1 of the body, the timestamp and the API secret',
    schema: { type: 'string', pattern: '^[0-9a-fA-F]{40}$' },
  })
  @ApiHeader({
    name: 'X-Cld-Timestamp',
    required: true,
    description: 'Unix seconds; at most two hours away from the server clock',
    schema: { type: 'string', pattern: '^[0-9]{1,12}$' },
  })
  @ApiBody({
    description: 'A Cloudinary notification (`notification_type: eager` is acted on)',
    schema: { type: 'object', additionalProperties: true },
  })
  @Endpoint({
    message: VideosMessages.notificationReceived,
    data: null,
    errors: [
      VideosErrors.invalidNotificationSignature,
      CommonErrors.bodyTooLarge,
      CommonErrors.unsupportedContentType,
    ],
  })
  async receive(
    @Query() query: CloudinaryNotificationQueryDto,
    @Headers('x-cld-timestamp') timestamp: string | undefined,
    @Headers('x-cld-signature') signature: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<null> {
    const body = await readRawJsonBody(req, res, NOTIFICATION_BODY_LIMIT);
    const verified = await this.processing.acceptCloudinaryNotification(
      { videoId: query.video, runId: query.run },
      body,
      timestamp,
      signature,
    );
    if (!verified) throw VideosErrors.invalidNotificationSignature();
    return null;
  }
}
