import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { OptionalAuth, RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser, CurrentViewer } from 'src/common/decorators/current-user.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import type { ApiResult } from 'src/common/decorators/response-message.decorator';
import type { CursorList, CursorPaginated } from 'src/common/dto/paginated.util';
import { PaginationErrors } from 'src/common/pagination/pagination.errors';
import { CursorListQueryDto, CursorPaginationQueryDto } from 'src/common/dto/pagination-query.dto';
import { IfMatch, type WritePrecondition } from 'src/common/http/if-match.decorator';
import { getBody } from 'src/common/http/representation.util';
import { Idempotent } from 'src/common/idempotency/idempotent.decorator';
import { CreatePlaylistDto } from 'src/modules/playlists/dto/create-playlist.dto';
import {
  PlaylistCardResponse,
  PlaylistDetailResponse,
  PlaylistSummaryResponse,
} from 'src/modules/playlists/dto/playlist.response';
import { SearchPlaylistsQueryDto } from 'src/modules/playlists/dto/search-playlists-query.dto';
import { UpdatePlaylistDto } from 'src/modules/playlists/dto/update-playlist.dto';
import { PlaylistsErrors } from 'src/modules/playlists/playlists.errors';
import { PlaylistsMessages } from 'src/modules/playlists/playlists.messages';
import { PlaylistsService } from 'src/modules/playlists/playlists.service';

/**
 * `/playlist`. Literal paths (`search`, `me`, `user/:userId`) win over `:playlistId` by route
 * specificity (docs/api.md#paths).
 */
@ApiTags('Playlist')
@Controller('playlist')
export class PlaylistsController {
  constructor(private readonly playlists: PlaylistsService) {}

  @OptionalAuth()
  @Get('search')
  @Endpoint({
    message: PlaylistsMessages.listed,
    data: [PlaylistCardResponse],
    cursor: true,
    errors: [PaginationErrors.invalidCursor],
  })
  search(
    @Query() query: SearchPlaylistsQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<CursorList<PlaylistCardResponse>> {
    return this.playlists.search(query, viewer?.userId ?? null);
  }

  @RequiredAuth()
  @Post()
  @Idempotent()
  @Endpoint({ status: 201, message: PlaylistsMessages.created, data: PlaylistSummaryResponse })
  create(
    @Body() body: CreatePlaylistDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<PlaylistSummaryResponse> {
    return this.playlists.create(user.userId, body);
  }

  @RequiredAuth()
  @Get('me')
  @Endpoint({
    message: PlaylistsMessages.listed,
    data: PlaylistSummaryResponse,
    paginated: true,
    cursor: true,
    errors: [PaginationErrors.invalidCursor],
  })
  listMine(
    @Query() query: CursorPaginationQueryDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<CursorPaginated<PlaylistSummaryResponse>> {
    return this.playlists.listMine(user.userId, query);
  }

  @OptionalAuth()
  @Get('user/:userId')
  @Endpoint({
    message: PlaylistsMessages.userPlaylistsListed,
    data: [PlaylistCardResponse],
    cursor: true,
    errors: [PaginationErrors.invalidCursor, PlaylistsErrors.userNotFound],
  })
  listOfUser(
    @Param('userId') userId: string,
    @Query() query: CursorListQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<CursorList<PlaylistCardResponse>> {
    return this.playlists.listOfUser(userId, query, viewer?.userId ?? null);
  }

  @OptionalAuth()
  @Get(':playlistId')
  @Endpoint({
    message: PlaylistsMessages.fetched,
    data: PlaylistDetailResponse,
    errors: [PlaylistsErrors.notFound],
  })
  get(
    @Param('playlistId') playlistId: string,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<PlaylistDetailResponse> {
    return this.playlists.getDetail(playlistId, viewer?.userId ?? null);
  }

  @RequiredAuth()
  @Patch(':playlistId')
  @Endpoint({
    message: PlaylistsMessages.updated,
    data: PlaylistSummaryResponse,
    errors: [PlaylistsErrors.notOwnerUpdate, PlaylistsErrors.notFound],
  })
  update(
    @Param('playlistId') playlistId: string,
    @Body() body: UpdatePlaylistDto,
    @CurrentUser() user: AuthPrincipal,
    // Compared with the playlist page the owner would get now (the body of `get` above).
    @IfMatch(getBody<PlaylistDetailResponse>(PlaylistsMessages.fetched))
    precondition: WritePrecondition<PlaylistDetailResponse> | null,
  ): Promise<PlaylistSummaryResponse> {
    return this.playlists.update(playlistId, user.userId, body, precondition);
  }

  @RequiredAuth()
  @Delete(':playlistId')
  @Endpoint({
    message: PlaylistsMessages.deleted,
    data: null,
    errors: [PlaylistsErrors.notOwnerDelete, PlaylistsErrors.notFound],
  })
  remove(
    @Param('playlistId') playlistId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<null> {
    return this.playlists.remove(playlistId, user.userId);
  }

  @RequiredAuth()
  @Post(':playlistId/videos/:videoId')
  @Endpoint({
    message: [PlaylistsMessages.videoAdded, PlaylistsMessages.videoAlreadyPresent],
    data: PlaylistSummaryResponse,
    errors: [
      PlaylistsErrors.full,
      PlaylistsErrors.notOwnerAdd,
      PlaylistsErrors.notFound,
      PlaylistsErrors.videoNotFound,
      PlaylistsErrors.appendContention,
    ],
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
  @Endpoint({
    message: PlaylistsMessages.videoRemoved,
    data: PlaylistSummaryResponse,
    errors: [PlaylistsErrors.notOwnerRemove, PlaylistsErrors.notFound],
  })
  removeVideo(
    @Param('playlistId') playlistId: string,
    @Param('videoId') videoId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<PlaylistSummaryResponse> {
    return this.playlists.removeVideo(playlistId, videoId, user.userId);
  }
}
