import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { OptionalAuth, RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { Client, type ClientContext } from 'src/common/decorators/client-context.decorator';
import { CurrentUser, CurrentViewer } from 'src/common/decorators/current-user.decorator';
import { ApiResult, ResponseMessage } from 'src/common/decorators/response-message.decorator';
import type { Paginated } from 'src/common/dto/paginated.util';
import { PaginationQueryDto } from 'src/common/dto/pagination-query.dto';
import { ApiErrors } from 'src/common/swagger/api-errors.decorator';
import { ApiSuccess } from 'src/common/swagger/api-success.decorator';
import { THUMBNAIL_FILE, VIDEO_FILE } from 'src/common/uploads/media-fields.constant';
import { MultipartUpload } from 'src/common/uploads/multipart.interceptor';
import { NoTextFields } from 'src/common/uploads/no-text-fields.decorator';
import type { VerifiedFiles } from 'src/common/uploads/upload-spec.type';
import { UploadedMedia } from 'src/common/uploads/uploaded-files.decorator';
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
import { VideosService } from 'src/modules/videos/videos.service';

const VIDEO_UPLOAD = { video: VIDEO_FILE, thumbnail: THUMBNAIL_FILE };
const THUMBNAIL_UPLOAD = { thumbnail: THUMBNAIL_FILE };

const NOT_FOUND = ['NOT_FOUND: Video not found'];
const NOT_OWNER = ['FORBIDDEN: You can only update your own videos'];
const STORAGE = ['STORAGE_ERROR: Media storage error'];

/**
 * §4. Literal paths (`me`, `thumbnail/…`, `publish-status/…`) are declared before `:videoId`
 * so they win over it (§1.1).
 */
@ApiTags('Video')
@Controller('video')
export class VideosController {
  constructor(
    private readonly videos: VideosService,
    private readonly catalogue: VideoCatalogueService,
  ) {}

  @OptionalAuth()
  @Get()
  @ResponseMessage('Videos fetched')
  @ApiSuccess({ message: 'Videos fetched', data: VideoCardResponse, paginated: true })
  list(
    @Query() query: ListVideosQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<Paginated<VideoCardResponse>> {
    return this.catalogue.listPublished(query, viewer?.userId ?? null);
  }

  @RequiredAuth()
  @Post()
  @HttpCode(201)
  @MultipartUpload(VIDEO_UPLOAD)
  @ResponseMessage('Video uploaded successfully')
  @ApiSuccess({ status: 201, message: 'Video uploaded successfully', data: VideoCardResponse })
  @ApiErrors({
    415: ['UNSUPPORTED_MEDIA_TYPE: Invalid video file. Could not read its duration'],
    502: STORAGE,
  })
  upload(
    @CurrentUser() user: AuthPrincipal,
    @Body() body: UploadVideoDto,
    @UploadedMedia(VIDEO_UPLOAD) files: VerifiedFiles<'video' | 'thumbnail'>,
  ): Promise<VideoCardResponse> {
    return this.videos.upload(user.userId, body, files);
  }

  @RequiredAuth()
  @Get('me')
  @ResponseMessage('Videos fetched successfully')
  @ApiSuccess({ message: 'Videos fetched successfully', data: VideoCardResponse, paginated: true })
  listMine(
    @Query() query: PaginationQueryDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<Paginated<VideoCardResponse>> {
    return this.catalogue.listOwned(user.userId, query);
  }

  @RequiredAuth()
  @Patch('thumbnail/:videoId')
  @MultipartUpload(THUMBNAIL_UPLOAD)
  @ResponseMessage('Video thumbnail updated successfully')
  @ApiSuccess({ message: 'Video thumbnail updated successfully', data: VideoCardResponse })
  @ApiErrors({ 403: NOT_OWNER, 404: NOT_FOUND, 502: STORAGE })
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
  @ApiSuccess({
    message: ['Video is now published', 'Video is now unpublished'],
    data: PublishStatusResponse,
  })
  @ApiErrors({ 403: NOT_OWNER, 404: NOT_FOUND })
  setPublishStatus(
    @Param('videoId') videoId: string,
    @CurrentUser() user: AuthPrincipal,
    @Body() body: PublishStatusDto,
  ): Promise<ApiResult<PublishStatusResponse>> {
    return this.videos.setPublishStatus(videoId, user.userId, body.isPublished);
  }

  @OptionalAuth()
  @Get(':videoId')
  @ResponseMessage('Video fetched successfully')
  @ApiSuccess({ message: 'Video fetched successfully', data: VideoDetailResponse })
  @ApiErrors({ 404: NOT_FOUND })
  get(
    @Param('videoId') videoId: string,
    @CurrentViewer() viewer: AuthPrincipal | null,
    @Client() client: ClientContext,
    @IsHeadRequest() isHead: boolean,
  ): Promise<VideoDetailResponse> {
    return this.videos.getDetail(videoId, viewer?.userId ?? null, { isHead, client });
  }

  @RequiredAuth()
  @Patch(':videoId')
  @ResponseMessage('Video updated successfully')
  @ApiSuccess({ message: 'Video updated successfully', data: VideoCardResponse })
  @ApiErrors({ 403: NOT_OWNER, 404: NOT_FOUND })
  update(
    @Param('videoId') videoId: string,
    @CurrentUser() user: AuthPrincipal,
    @Body() body: UpdateVideoDto,
  ): Promise<VideoCardResponse> {
    return this.videos.update(videoId, user.userId, body);
  }

  @RequiredAuth()
  @Delete(':videoId')
  @ResponseMessage('Video deleted successfully')
  @ApiSuccess({ message: 'Video deleted successfully', data: DeletedVideoResponse })
  @ApiErrors({
    403: ['FORBIDDEN: You are not authorized to delete this video'],
    404: NOT_FOUND,
  })
  remove(
    @Param('videoId') videoId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<DeletedVideoResponse> {
    return this.videos.remove(videoId, user.userId);
  }
}
