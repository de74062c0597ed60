import { Injectable } from '@nestjs/common';
import { ApiResult } from 'src/common/decorators/response-message.decorator';
import type { CursorList, CursorPaginated } from 'src/common/dto/paginated.util';
import type {
  CursorListQueryDto,
  CursorPaginationQueryDto,
} from 'src/common/dto/pagination-query.dto';
import { CursorPagesService, searchKey } from 'src/common/pagination/cursor-pages.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import type { WritePrecondition } from 'src/common/http/if-match.decorator';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import type { CreatePlaylistDto } from 'src/modules/playlists/dto/create-playlist.dto';
import type {
  PlaylistCardResponse,
  PlaylistDetailResponse,
  PlaylistSummaryResponse,
} from 'src/modules/playlists/dto/playlist.response';
import type { SearchPlaylistsQueryDto } from 'src/modules/playlists/dto/search-playlists-query.dto';
import type { UpdatePlaylistDto } from 'src/modules/playlists/dto/update-playlist.dto';
import type { PlaylistChanges, PlaylistRecord } from 'src/modules/playlists/playlist-records.type';
import { PlaylistsErrors } from 'src/modules/playlists/playlists.errors';
import { PlaylistsMessages } from 'src/modules/playlists/playlists.messages';
import {
  toPlaylistCard,
  toPlaylistDetail,
  toPlaylistSummary,
  visibleEntries,
  type VisibleEntries,
} from 'src/modules/playlists/playlists.mapper';
import { PlaylistsRepository } from 'src/modules/playlists/playlists.repository';
import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import { UsersService } from 'src/modules/users/users.service';
import { VideoCatalogueService } from 'src/modules/videos/video-catalogue.service';

/**
 * Adding a video's conditional update fails only when another request changed the playlist between
 * our read and our write; each retry follows such a change, so this bounds contention, not waiting.
 */
const MAX_APPEND_ATTEMPTS = 10;

type Shape<T> = (playlist: PlaylistRecord, owner: OwnerLiteResponse, entries: VisibleEntries) => T;

/**
 * Playlists. A playlist is visible when public or the caller's own (docs/api.md#visibility); every
 * single-playlist read carries that rule in its query, so missing and private are the same 404,
 * and ownership (403) is checked after it. Entries count and show only when their video exists
 * and is visible to the caller, decided for a whole page by one videos query.
 */
@Injectable()
export class PlaylistsService {
  constructor(
    private readonly playlists: PlaylistsRepository,
    private readonly videos: VideoCatalogueService,
    private readonly users: UsersService,
    @InjectConfig() private readonly config: AppConfig,
    private readonly pages: CursorPagesService,
  ) {}

  /**
   * `GET /playlist/search`: public playlists whose name contains the text literally, most
   * recently changed first; an empty text lists nothing. Cursors are bound to the text; a
   * playlist changed during a walk moves above the position (served at most once).
   */
  async search(
    query: SearchPlaylistsQueryDto,
    viewerId: string | null,
  ): Promise<CursorList<PlaylistCardResponse>> {
    const text = query.query ?? '';
    const request = this.pages.open(`playlist-search:${searchKey(text)}`, query, 'date');
    const records = text === '' ? [] : await this.playlists.searchPublic(text, request.window);
    return this.pages.closeList(
      request,
      records,
      (playlist) => ({ key: playlist.updatedAt, id: playlist._id.toHexString() }),
      async (page) => {
        if (page.length === 0) return [];
        const [owners, thumbnails] = await Promise.all([
          this.users.findOwnerLites(page.map(ownerOf)),
          this.pageThumbnails(page, viewerId),
        ]);
        return shapePage(page, owners, thumbnails, toPlaylistCard);
      },
    );
  }

  /** `POST /playlist`. */
  async create(ownerId: string, body: CreatePlaylistDto): Promise<PlaylistSummaryResponse> {
    const owner = await this.signedInOwner(ownerId);
    const created = await this.playlists.create({
      owner: ownerId,
      name: body.name,
      description: body.description ?? '',
      isPublished: body.isPublished ?? true,
    });
    return toPlaylistSummary(created, owner, { videoIds: [], thumbnail: null });
  }
  /**
   * `GET /playlist/me`: all of the caller's playlists, public and private, newest first; cursors
   * bound to the caller.
   */
  async listMine(
    ownerId: string,
    query: CursorPaginationQueryDto,
  ): Promise<CursorPaginated<PlaylistSummaryResponse>> {
    const request = this.pages.open(`playlists-mine:${ownerId}`, query, 'date');
    const [records, total, owners] = await Promise.all([
      this.playlists.findOwnedPage(ownerId, request.window),
      request.needsTotal ? this.playlists.countOwned(ownerId) : null,
      this.users.findOwnerLites([ownerId]),
    ]);
    return this.pages.close(
      request,
      records,
      total,
      (playlist) => ({ key: playlist.createdAt, id: playlist._id.toHexString() }),
      async (page) => {
        const thumbnails = await this.pageThumbnails(page, ownerId);
        return shapePage(page, owners, thumbnails, toPlaylistSummary);
      },
    );
  }

  /** `GET /playlist/user/:userId`: a visible user's public playlists, for the owner too. */
  async listOfUser(
    userId: string,
    query: CursorListQueryDto,
    viewerId: string | null,
  ): Promise<CursorList<PlaylistCardResponse>> {
    const owner = await this.users.findVisibleUserById(userId);
    if (!owner) throw PlaylistsErrors.userNotFound();
    const request = this.pages.open(`playlists-of:${userId}`, query, 'date');
    const records = await this.playlists.findPublicOfOwnerPage(userId, request.window);
    return this.pages.closeList(
      request,
      records,
      (playlist) => ({ key: playlist.createdAt, id: playlist._id.toHexString() }),
      async (page) => {
        const thumbnails = await this.pageThumbnails(page, viewerId);
        return shapePage(page, new Map([[userId, owner]]), thumbnails, toPlaylistCard);
      },
    );
  }

  /** `GET /playlist/:playlistId`: the playlist and its visible videos as cards, in its order. */
  async getDetail(playlistId: string, viewerId: string | null): Promise<PlaylistDetailResponse> {
    return this.detailOf(await this.findVisibleOr404(playlistId, viewerId), viewerId);
  }

  /** `GET /playlist/:playlistId`'s answer for a playlist already read. */
  private async detailOf(
    playlist: PlaylistRecord,
    viewerId: string | null,
  ): Promise<PlaylistDetailResponse> {
    // The playlist owner's OwnerLite comes from the same users query as the cards' owners.
    const { cards, alsoOwner: playlistOwner } = await this.videos.cardsInOrder(
      playlist.videos.map((video) => video.toHexString()),
      { viewerId, visibility: 'visible', alsoOwnerId: ownerOf(playlist) },
    );
    // Only verified users own playlists; were the owner ever invisible, so would be the playlist.
    if (!playlistOwner) throw PlaylistsErrors.notFound();
    return toPlaylistDetail(playlist, playlistOwner, cards);
  }

  /**
   * `PATCH /playlist/:playlistId`: only the given fields are written; concurrent entries stay.
   * With `If-Match` (after 404 and 403): the playlist page the owner would get, built from the
   * playlist just read, must carry a listed tag, and the write only happens while the playlist
   * is still at that read's version; adding or removing an entry moves it too
   * (docs/api.md#caching).
   */
  async update(
    playlistId: string,
    userId: string,
    body: UpdatePlaylistDto,
    precondition: WritePrecondition<PlaylistDetailResponse> | null = null,
  ): Promise<PlaylistSummaryResponse> {
    const playlist = await this.findOwnedOr403(playlistId, userId, PlaylistsErrors.notOwnerUpdate);
    const checked = precondition !== null && !precondition.isWildcard;
    if (checked) precondition.assertHolds(await this.detailOf(playlist, userId));
    const changes: PlaylistChanges = {};
    if (body.name !== undefined) changes.name = body.name;
    if (body.description !== undefined) changes.description = body.description;
    if (body.isPublished !== undefined) changes.isPublished = body.isPublished;
    if (Object.keys(changes).length === 0) return this.summaryFor(playlist, userId);
    const id = idOf(playlist);
    const updated = checked
      ? await this.playlists.updateOwnedAtVersion(id, userId, changes, playlist.updatedAt)
      : await this.playlists.updateOwned(id, userId, changes);
    if (updated) return this.summaryFor(updated, userId);
    // Nothing matched: the playlist is gone (404), or another write moved its version (412).
    if (checked && (await this.playlists.findVisible(id, userId)) !== null)
      throw precondition.changedMeanwhile();
    throwNotFound();
  }

  /** `DELETE /playlist/:playlistId`: nothing refers to a playlist; deleting it is the whole job. */
  async remove(playlistId: string, userId: string): Promise<null> {
    const playlist = await this.findOwnedOr403(playlistId, userId, PlaylistsErrors.notOwnerDelete);
    // A concurrent delete won; the caller sees the same 404 as for a missing playlist.
    if (!(await this.playlists.deleteOwned(idOf(playlist), userId))) throwNotFound();
    return null;
  }

  /**
   * `POST /playlist/:playlistId/videos/:videoId`, in this order: playlist 404, 403, video 404,
   * already there, full, then one atomic conditional append. The video is checked again afterwards:
   * if it was deleted meanwhile, its cascade may have run before the append and missed this entry,
   * so the entry is removed here and the caller gets the 404.
   */
  async addVideo(
    playlistId: string,
    videoId: string,
    userId: string,
  ): Promise<ApiResult<PlaylistSummaryResponse>> {
    const playlist = await this.findOwnedOr403(playlistId, userId, PlaylistsErrors.notOwnerAdd);
    if ((await this.videos.findVisibleOwnerId(videoId, userId)) === null)
      throw PlaylistsErrors.videoNotFound();

    const outcome = await this.append(playlist, videoId, userId);
    if (!outcome.added) {
      return new ApiResult(
        PlaylistsMessages.videoAlreadyPresent,
        await this.summaryFor(outcome.playlist, userId),
      );
    }
    if ((await this.videos.findVisibleOwnerId(videoId, userId)) === null) {
      await this.playlists.removeVideo(idOf(playlist), userId, videoId);
      throw PlaylistsErrors.videoNotFound();
    }
    return new ApiResult(
      PlaylistsMessages.videoAdded,
      await this.summaryFor(outcome.playlist, userId),
    );
  }

  /**
   * `DELETE /playlist/:playlistId/videos/:videoId`. The video is not looked up, so entries of
   * deleted videos can be removed; an id that is not in the playlist changes nothing (not even
   * `updatedAt`).
   */
  async removeVideo(
    playlistId: string,
    videoId: string,
    userId: string,
  ): Promise<PlaylistSummaryResponse> {
    const playlist = await this.findOwnedOr403(playlistId, userId, PlaylistsErrors.notOwnerRemove);
    const id = idOf(playlist);
    const updated =
      (await this.playlists.removeVideo(id, userId, videoId)) ??
      // Nothing matched: the entry was not there, or the playlist was deleted meanwhile.
      (await this.findVisibleOr404(id, userId));
    return this.summaryFor(updated, userId);
  }

  /** Video-delete cascade: the deleted video leaves every playlist. Idempotent. */
  async removeDeletedVideo(videoId: string): Promise<void> {
    await this.playlists.pullVideoEverywhere(videoId);
  }

  private async append(
    seen: PlaylistRecord,
    videoId: string,
    userId: string,
  ): Promise<{ added: boolean; playlist: PlaylistRecord }> {
    const max = this.config.playlistMaxVideos;
    let current = seen;
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      if (current.videos.some((video) => video.toHexString() === videoId)) {
        return { added: false, playlist: current };
      }
      if (current.videos.length >= max) throw PlaylistsErrors.full(max);
      const appended = await this.playlists.appendVideo(idOf(current), userId, videoId, max);
      if (appended) return { added: true, playlist: appended };
      // Matched nothing: someone added this video, filled the playlist or deleted it since our
      // read. Read again and decide on what is there now.
      current = await this.findVisibleOr404(idOf(current), userId);
    }
    throw PlaylistsErrors.appendContention();
  }

  /** Summaries of the caller's own playlist after a change: the caller is the owner. */
  private async summaryFor(
    playlist: PlaylistRecord,
    userId: string,
  ): Promise<PlaylistSummaryResponse> {
    const [owner, thumbnails] = await Promise.all([
      this.signedInOwner(userId),
      this.videos.visibleThumbnails(entryIds([playlist]), userId),
    ]);
    return toPlaylistSummary(playlist, owner, visibleEntries(playlist, thumbnails));
  }

  /**
   * Which entries of a page of playlists the caller may see: one videos query for the whole page
   * (at most PLAYLIST_MAX_VIDEOS ids per playlist), whatever the page size.
   */
  private pageThumbnails(
    records: PlaylistRecord[],
    viewerId: string | null,
  ): Promise<Map<string, string>> {
    return this.videos.visibleThumbnails(entryIds(records), viewerId);
  }

  private async findVisibleOr404(
    playlistId: string,
    viewerId: string | null,
  ): Promise<PlaylistRecord> {
    return (await this.playlists.findVisible(playlistId, viewerId)) ?? throwNotFound();
  }

  /**
   * Mutations (docs/api.md#not-found-vs-forbidden): missing or private-to-someone-else → 404,
   * visible but not theirs → 403.
   */
  private async findOwnedOr403(
    playlistId: string,
    userId: string,
    forbidden: () => AppException,
  ): Promise<PlaylistRecord> {
    const playlist = await this.findVisibleOr404(playlistId, userId);
    if (ownerOf(playlist) !== userId) throw forbidden();
    return playlist;
  }

  /** The guard saw a verified account a moment ago; if it has vanished since, so has the session. */
  private async signedInOwner(userId: string): Promise<OwnerLiteResponse> {
    const owner = await this.users.findVisibleUserById(userId);
    if (!owner) throw new AppException(ErrorCode.UNAUTHORIZED);
    return owner;
  }
}

/**
 * Cards or summaries of a page, in page order. A playlist whose owner is not visible is left out
 * (only verified users own playlists and accounts never become pending again, so it never is).
 */
function shapePage<T>(
  records: PlaylistRecord[],
  owners: ReadonlyMap<string, OwnerLiteResponse>,
  thumbnails: ReadonlyMap<string, string>,
  mapper: Shape<T>,
): T[] {
  return records.flatMap((record) => {
    const owner = owners.get(ownerOf(record));
    return owner ? [mapper(record, owner, visibleEntries(record, thumbnails))] : [];
  });
}

function idOf(playlist: PlaylistRecord): string {
  return playlist._id.toHexString();
}

function ownerOf(playlist: PlaylistRecord): string {
  return playlist.owner.toHexString();
}

/** Every entry of the page's playlists, once each. */
function entryIds(playlists: PlaylistRecord[]): string[] {
  return [...new Set(playlists.flatMap((playlist) => playlist.videos.map((v) => v.toHexString())))];
}

function throwNotFound(): never {
  throw PlaylistsErrors.notFound();
}
