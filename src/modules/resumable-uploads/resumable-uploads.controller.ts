import { Controller, Delete, Head, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { RawResponse } from 'src/common/decorators/response-message.decorator';
import { errorDefinition } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { StreamBody } from 'src/common/http/body-kind.util';
import { ResumableUploadsErrors } from 'src/modules/resumable-uploads/resumable-uploads.errors';
import { ResumableUploadsService } from 'src/modules/resumable-uploads/resumable-uploads.service';
import { TusRoute } from 'src/modules/resumable-uploads/tus-docs.decorator';

/** Every tus answer names the protocol version. */
const ANSWER_HEADERS = ['Tus-Resumable'] as const;
/** An answer about one upload's progress (`HEAD`, `PATCH`): the version and the offset. */
const OFFSET_HEADERS = [...ANSWER_HEADERS, 'Upload-Offset'] as const;

/** A request without `Tus-Resumable: 1.0.0` (every route). */
const VERSION_ERRORS = [ResumableUploadsErrors.tusResumableRequired];
/** The version, and a header the tus server refuses as malformed. */
const PROTOCOL_ERRORS = [
  ...VERSION_ERRORS,
  errorDefinition(ErrorCode.BAD_REQUEST, 'the tus server’s refusal of a malformed header'),
];
/** A protocol request on one upload (`HEAD`, `PATCH`): the protocol's, and an unknown upload. */
const UPLOAD_PROTOCOL_ERRORS = [...PROTOCOL_ERRORS, ResumableUploadsErrors.notFound];

/**
 * `/uploads`: tus 1.0 (core, creation, termination, expiration; docs/api.md#resumable-uploads).
 * The protocol answers are headers and empty bodies, so these routes are outside the envelope and
 * hand the raw request and response to `@tus/server` (`@Req()`/`@Res()`, like `/media`); the
 * user still comes from `@CurrentUser()`, and failures are the API's error body.
 */
@ApiTags('Uploads')
@RawResponse()
@RequiredAuth()
@Controller('uploads')
export class ResumableUploadsController {
  constructor(private readonly uploads: ResumableUploadsService) {}

  @Post()
  @StreamBody()
  @TusRoute({
    summary: 'Create a resumable upload (tus creation)',
    status: 201,
    description: 'Created: `Location` names the upload; nothing else is in the body',
    requestHeaders: ['Upload-Length', 'Upload-Metadata'],
    responseHeaders: [...ANSWER_HEADERS, 'Location', 'Upload-Expires'],
    data: 'optional',
    errors: [
      ...PROTOCOL_ERRORS,
      ResumableUploadsErrors.lengthRequired,
      ResumableUploadsErrors.invalidMetadata,
      ResumableUploadsErrors.wrongContentType,
      ResumableUploadsErrors.tooLarge,
      ResumableUploadsErrors.dailyQuota,
      ResumableUploadsErrors.tooManyUnfinished,
    ],
  })
  create(
    @CurrentUser() user: AuthPrincipal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.uploads.create(user.userId, req, res);
  }

  @Head(':uploadId')
  @TusRoute({
    summary: 'Offset of a resumable upload (tus core)',
    status: 200,
    description: '`Upload-Offset`: where to resume; no body',
    requestHeaders: [],
    responseHeaders: [...OFFSET_HEADERS, 'Upload-Length'],
    data: 'none',
    errors: UPLOAD_PROTOCOL_ERRORS,
  })
  offset(
    @Param('uploadId') uploadId: string,
    @CurrentUser() user: AuthPrincipal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.uploads.resume(user.userId, uploadId, req, res);
  }

  @Patch(':uploadId')
  @StreamBody()
  @TusRoute({
    summary: 'Append to a resumable upload (tus core)',
    status: 204,
    description: '`Upload-Offset`: bytes received so far; no body',
    requestHeaders: ['Upload-Offset'],
    responseHeaders: [...OFFSET_HEADERS, 'Upload-Expires'],
    data: 'required',
    errors: [
      ...UPLOAD_PROTOCOL_ERRORS,
      errorDefinition(ErrorCode.CONFLICT, 'Upload-Offset conflict'),
      errorDefinition(ErrorCode.PAYLOAD_TOO_LARGE, 'upload’s size exceeded'),
      ResumableUploadsErrors.wrongContentType,
    ],
  })
  append(
    @Param('uploadId') uploadId: string,
    @CurrentUser() user: AuthPrincipal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.uploads.resume(user.userId, uploadId, req, res);
  }

  @Delete(':uploadId')
  @TusRoute({
    summary: 'End a resumable upload and remove its data (tus termination)',
    status: 204,
    description: 'Removed; no body',
    requestHeaders: [],
    responseHeaders: ANSWER_HEADERS,
    data: 'none',
    errors: [...VERSION_ERRORS, ResumableUploadsErrors.notFound],
  })
  terminate(
    @Param('uploadId') uploadId: string,
    @CurrentUser() user: AuthPrincipal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.uploads.terminate(user.userId, uploadId, req, res);
  }
}
