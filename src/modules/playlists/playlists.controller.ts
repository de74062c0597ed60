import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { OptionalAuth, RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser, CurrentViewer } from 'src/common/decorators/current-user.decorator';
import { ApiResult, ResponseMessage } from 'src/common/decorators/response-message.decorator';
import type { Paginated } from 'src/common/dto/paginated.util';
import { PaginationQueryDto, PlainListQueryDto } from 'src/common/dto/pagination-query.dto';
import { ApiErrors } from 'src/common/swagger/api-errors.decorator';
import { ApiSuccess } from 'src/common/swagger/api-success.decorator';
import { CreatePlaylistDto } from 'src/modules/playlists/dto/create-playlist.dto';
import {
  PlaylistCardResponse,
  PlaylistDetailResponse,
  PlaylistSummaryResponse,
} from 'src/modules/playlists/dto/playlist.response';
import { SearchPlaylistsQueryDto } from 'src/modules/playlists/dto/search-playlists-query.dto';
import { UpdatePlaylistDto } from 'src/modules/playlists/dto/update-playlist.dto';
import {
  PlaylistsService,
  VIDEO_ADDED_MESSAGE,
  VIDEO_ALREADY_PRESENT_MESSAGE,
} from 'src/modules/playlists/playlists.service';

const PLAYLIST_NOT_FOUND = 'NOT_FOUND: Playlist not found';

/**
 * §9. Literal paths (`search`, `me`, `user/:userId`) are declared before `:playlistId` so they
 * win over it (§1.1).
 */
@ApiTags('Playlist')
@Controller('playlist')
export class PlaylistsController {
  constructor(private readonly playlists: PlaylistsService) {}

  @OptionalAuth()
  @Get('search')
  @ResponseMessage('Playlists fetched successfully')
  @ApiSuccess({ message: 'Playlists fetched successfully', data: [PlaylistCardResponse] })
  search(
    @Query() query: SearchPlaylistsQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<PlaylistCardResponse[]> {
    return this.playlists.search(query, viewer?.userId ?? null);
  }

  @RequiredAuth()
  @Post()
  @HttpCode(201)
  @ResponseMessage('Playlist created successfully')
  @ApiSuccess({
    status: 201,
    message: 'Playlist created successfully',
    data: PlaylistSummaryResponse,
  })
  create(
    @Body() body: CreatePlaylistDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<PlaylistSummaryResponse> {
    return this.playlists.create(user.userId, body);
  }

  @RequiredAuth()
  @Get('me')
  @ResponseMessage('Playlists fetched successfully')
  @ApiSuccess({
    message: 'Playlists fetched successfully',
    data: PlaylistSummaryResponse,
    paginated: true,
  })
  listMine(
    @Query() query: PaginationQueryDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<Paginated<PlaylistSummaryResponse>> {
    return this.playlists.listMine(user.userId, query);
  }

  @OptionalAuth()
  @Get('user/:userId')
  @ResponseMessage('User playlists fetched successfully')
  @ApiSuccess({ message: 'User playlists fetched successfully', data: [PlaylistCardResponse] })
  @ApiErrors({ 404: ['NOT_FOUND: User not found'] })
  listOfUser(
    @Param('userId') userId: string,
    @Query() query: PlainListQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<PlaylistCardResponse[]> {
    return this.playlists.listOfUser(userId, query, viewer?.userId ?? null);
  }

  @OptionalAuth()
  @Get(':playlistId')
  @ResponseMessage('Playlist fetched successfully')
  @ApiSuccess({ message: 'Playlist fetched successfully', data: PlaylistDetailResponse })
  @ApiErrors({ 404: [PLAYLIST_NOT_FOUND] })
  get(
    @Param('playlistId') playlistId: string,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<PlaylistDetailResponse> {
    return this.playlists.getDetail(playlistId, viewer?.userId ?? null);
  }

  @RequiredAuth()
  @Patch(':playlistId')
  @ResponseMessage('Playlist updated successfully')
  @ApiSuccess({ message: 'Playlist updated successfully', data: PlaylistSummaryResponse })
  @ApiErrors({
    403: ['FORBIDDEN: You are not authorized to update this playlist'],
    404: [PLAYLIST_NOT_FOUND],
  })
  update(
    @Param('playlistId') playlistId: string,
    @Body() body: UpdatePlaylistDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<PlaylistSummaryResponse> {
    return this.playlists.update(playlistId, user.userId, body);
  }

  @RequiredAuth()
  @Delete(':playlistId')
  @ResponseMessage('Playlist deleted successfully')
  @ApiSuccess({ message: 'Playlist deleted successfully', data: null })
  @ApiErrors({
    403: ['FORBIDDEN: You are not authorized to delete this playlist'],
    404: [PLAYLIST_NOT_FOUND],
  })
  remove(
    @Param('playlistId') playlistId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<null> {
    return this.playlists.remove(playlistId, user.userId);
  }

  @RequiredAuth()
  @Post(':playlistId/videos/:videoId')
  @HttpCode(200)
  @ApiSuccess({
    message: [VIDEO_ADDED_MESSAGE, VIDEO_ALREADY_PRESENT_MESSAGE],
    data: PlaylistSummaryResponse,
  })
  @ApiErrors({
    400: ['BAD_REQUEST: Playlist cannot contain more than 500 videos'],
    403: ['FORBIDDEN: You are not authorized to add videos to this playlist'],
    404: [PLAYLIST_NOT_FOUND, 'NOT_FOUND: Video not found'],
  })
  addVideo(
    @Param('playlistId') playlistId: string,
    @Param('videoId') videoId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<ApiResult<PlaylistSummaryResponse>> {
    return this.playlists.addVideo(playlistId, videoId, user.userId);
  }

  @RequiredAuth()
  @Delete(':playlistId/videos/:videoId')
  @ResponseMessage('Video removed from playlist successfully')
  @ApiSuccess({
    message: 'Video removed from playlist successfully',
    data: PlaylistSummaryResponse,
  })
  @ApiErrors({
    403: ['FORBIDDEN: You are not authorized to remove videos from this playlist'],
    404: [PLAYLIST_NOT_FOUND],
  })
  removeVideo(
    @Param('playlistId') playlistId: string,
    @Param('videoId') videoId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<PlaylistSummaryResponse> {
    return this.playlists.removeVideo(playlistId, videoId, user.userId);
  }
}
