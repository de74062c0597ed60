import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { OptionalAuth, RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { Client, type ClientContext } from 'src/common/decorators/client-context.decorator';
import { CurrentUser, CurrentViewer } from 'src/common/decorators/current-user.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import type { ApiResult } from 'src/common/decorators/response-message.decorator';
import type { CursorPaginated } from 'src/common/dto/paginated.util';
import { CursorPaginationQueryDto } from 'src/common/dto/pagination-query.dto';
import { PaginationErrors } from 'src/common/pagination/pagination.errors';
import { CommonErrors } from 'src/common/errors/common.errors';
import { IfMatch, type WritePrecondition } from 'src/common/http/if-match.decorator';
import { getBody } from 'src/common/http/representation.util';
import { Idempotent } from 'src/common/idempotency/idempotent.decorator';
import { THUMBNAIL_FILE, VIDEO_FILE } from 'src/common/uploads/media-fields.constant';
import { MultipartUpload } from 'src/common/uploads/multipart.interceptor';
import { NoTextFields } from 'src/common/uploads/no-text-fields.decorator';
import type { VerifiedFiles } from 'src/common/uploads/upload-spec.type';
import { UploadedMedia } from 'src/common/uploads/uploaded-files.decorator';
import { ResumableUploadsErrors } from 'src/modules/resumable-uploads/resumable-uploads.errors';
import { IsHeadRequest } from 'src/modules/videos/decorators/is-head-request.decorator';
import { ListVideosQueryDto } from 'src/modules/videos/dto/list-videos-query.dto';
import { PublishStatusDto } from 'src/modules/videos/dto/publish-status.dto';
import { UpdateVideoDto } from 'src/modules/videos/dto/update-video.dto';
import { UploadVideoDto } from 'src/modules/videos/dto/upload-video.dto';
import {
  DeletedVideoResponse,
  PublishStatusResponse,
  VideoCardResponse,
  VideoDetailResponse,
} from 'src/modules/videos/dto/video.response';
import { VideoCatalogueService } from 'src/modules/videos/video-catalogue.service';
import { VideosErrors } from 'src/modules/videos/videos.errors';
import { VideosMessages } from 'src/modules/videos/videos.messages';
import { VideoWatchPageService } from 'src/modules/videos/video-watch-page.service';
import { VideosService } from 'src/modules/videos/videos.service';

const VIDEO_UPLOAD = { video: VIDEO_FILE, thumbnail: THUMBNAIL_FILE };
/** `uploadId` (a finished resumable upload) replaces the `video` file. */
const VIDEO_ALTERNATIVES = { video: 'uploadId' };
const THUMBNAIL_UPLOAD = { thumbnail: THUMBNAIL_FILE };

/**
 * `/video`. Literal paths (`me`, `thumbnail/…`, `publish-status/…`) win over `:videoId` by
 * route specificity (docs/api.md#paths).
 */
@ApiTags('Video')
@Controller('video')
export class VideosController {
  constructor(
    private readonly videos: VideosService,
    private readonly catalogue: VideoCatalogueService,
    private readonly watchPage: VideoWatchPageService,
  ) {}

  @OptionalAuth()
  @Get()
  @Endpoint({
    message: VideosMessages.listed,
    data: VideoCardResponse,
    paginated: true,
    cursor: true,
    errors: [PaginationErrors.invalidCursor],
  })
  list(
    @Query() query: ListVideosQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<CursorPaginated<VideoCardResponse>> {
    return this.catalogue.listPublished(query, viewer?.userId ?? null);
  }

  @RequiredAuth()
  @Post()
  @Idempotent()
  @MultipartUpload(VIDEO_UPLOAD, VIDEO_ALTERNATIVES)
  @Endpoint({
    status: 201,
    message: VideosMessages.uploaded,
    data: VideoCardResponse,
    errors: [
      VideosErrors.unreadableDuration,
      VideosErrors.wrongUploadType,
      ResumableUploadsErrors.notFound,
      ResumableUploadsErrors.notFinished,
      CommonErrors.storage,
    ],
  })
  upload(
    @CurrentUser() user: AuthPrincipal,
    @Body() body: UploadVideoDto,
    @UploadedMedia(VIDEO_UPLOAD, VIDEO_ALTERNATIVES)
    files: VerifiedFiles<'thumbnail'> & Partial<VerifiedFiles<'video'>>,
  ): Promise<VideoCardResponse> {
    return this.videos.upload(user.userId, body, files);
  }

  @RequiredAuth()
  @Get('me')
  @Endpoint({
    message: VideosMessages.listedMine,
    data: VideoCardResponse,
    paginated: true,
    cursor: true,
    errors: [PaginationErrors.invalidCursor],
  })
  listMine(
    @Query() query: CursorPaginationQueryDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<CursorPaginated<VideoCardResponse>> {
    return this.catalogue.listOwned(user.userId, query);
  }

  @RequiredAuth()
  @Patch('thumbnail/:videoId')
  @MultipartUpload(THUMBNAIL_UPLOAD)
  @Endpoint({
    message: VideosMessages.thumbnailUpdated,
    data: VideoCardResponse,
    errors: [
      VideosErrors.notOwnerUpdate,
      VideosErrors.notFound,
      VideosErrors.unreadableThumbnail,
      CommonErrors.storage,
    ],
  })
  replaceThumbnail(
    @Param('videoId') videoId: string,
    @CurrentUser() user: AuthPrincipal,
    @NoTextFields() _fields: undefined,
    @UploadedMedia(THUMBNAIL_UPLOAD) files: VerifiedFiles<'thumbnail'>,
  ): Promise<VideoCardResponse> {
    return this.videos.replaceThumbnail(videoId, user.userId, files.thumbnail);
  }

  @RequiredAuth()
  @Patch('publish-status/:videoId')
  @Endpoint({
    message: [VideosMessages.published, VideosMessages.unpublished],
    data: PublishStatusResponse,
    errors: [VideosErrors.notOwnerUpdate, VideosErrors.notFound, VideosErrors.publishContention],
  })
  setPublishStatus(
    @Param('videoId') videoId: string,
    @CurrentUser() user: AuthPrincipal,
    @Body() body: PublishStatusDto,
  ): Promise<ApiResult<PublishStatusResponse>> {
    return this.videos.setPublishStatus(videoId, user.userId, body.isPublished);
  }

  @OptionalAuth()
  @Get(':videoId')
  @Endpoint({
    message: VideosMessages.fetched,
    data: VideoDetailResponse,
    errors: [VideosErrors.notFound],
  })
  get(
    @Param('videoId') videoId: string,
    @CurrentViewer() viewer: AuthPrincipal | null,
    @Client() client: ClientContext,
    @IsHeadRequest() isHead: boolean,
  ): Promise<VideoDetailResponse> {
    return this.watchPage.show(videoId, viewer?.userId ?? null, { isHead, client });
  }

  @RequiredAuth()
  @Patch(':videoId')
  @Endpoint({
    message: VideosMessages.updated,
    data: VideoCardResponse,
    errors: [VideosErrors.notOwnerUpdate, VideosErrors.notFound],
  })
  update(
    @Param('videoId') videoId: string,
    @CurrentUser() user: AuthPrincipal,
    @Body() body: UpdateVideoDto,
    // Compared with the watch page the owner would get now (the body of `get` above).
    @IfMatch(getBody<VideoDetailResponse>(VideosMessages.fetched))
    precondition: WritePrecondition<VideoDetailResponse> | null,
  ): Promise<VideoCardResponse> {
    return this.videos.update(videoId, user.userId, body, precondition);
  }

  @RequiredAuth()
  @Post(':videoId/processing/retry')
  @Endpoint({
    message: VideosMessages.processingRetried,
    data: VideoCardResponse,
    errors: [VideosErrors.notOwnerUpdate, VideosErrors.notFound, VideosErrors.processingNotFailed],
  })
  retryProcessing(
    @Param('videoId') videoId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<VideoCardResponse> {
    return this.videos.retryProcessing(videoId, user.userId);
  }

  @RequiredAuth()
  @Delete(':videoId')
  @Endpoint({
    message: VideosMessages.deleted,
    data: DeletedVideoResponse,
    errors: [VideosErrors.notOwnerDelete, VideosErrors.notFound, VideosErrors.deleteFailed],
  })
  remove(
    @Param('videoId') videoId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<DeletedVideoResponse> {
    return this.videos.remove(videoId, user.userId);
  }
}
