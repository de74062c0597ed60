import { Injectable, Logger } from '@nestjs/common';
import type { CursorPaginated } from 'src/common/dto/paginated.util';
import type { CursorPaginationQueryDto } from 'src/common/dto/pagination-query.dto';
import type { CursorPosition } from 'src/common/pagination/cursor-codec.service';
import { CursorPagesService, searchKey } from 'src/common/pagination/cursor-pages.service';
import { LikesService } from 'src/modules/likes/likes.service';
import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import { UsersService } from 'src/modules/users/users.service';
import type { ListVideosQueryDto } from 'src/modules/videos/dto/list-videos-query.dto';
import type { VideoCardResponse } from 'src/modules/videos/dto/video.response';
import type {
  VideoRecord,
  VideoRefRecord,
  VideoSortField,
} from 'src/modules/videos/video-records.type';
import { toVideoCard } from 'src/modules/videos/videos.mapper';
import { VideosRepository } from 'src/modules/videos/videos.repository';

/** Which videos a list may show: published ones only, or also the viewer's own unpublished ones. */
export type CatalogueVisibility = 'published' | 'visible';

export interface CardsInOrderOptions {
  viewerId: string | null;
  visibility: CatalogueVisibility;
  /** The page of the visible videos to turn into cards; all of them when absent. */
  page?: { skip: number; limit: number };
  /** A user whose OwnerLite the caller needs too (a playlist's owner), read in the same query as the cards' owners. */
  alsoOwnerId?: string;
}

/** A published video by reference: who owns it and its place in the catalogue's order. */
export interface PublishedVideoRef {
  videoId: string;
  ownerId: string;
  createdAt: Date;
}

export interface CardsInOrder {
  /** How many of the given ids are visible (the list's total). */
  total: number;
  cards: VideoCardResponse[];
  /** The OwnerLite of `alsoOwnerId` if that user is visible. */
  alsoOwner: OwnerLiteResponse | null;
}

/**
 * The video lists (`GET /video`, `GET /video/me`) and video cards for every list in the API, built
 * one way: the records (with their maintained `likesCount`), then their owners in one query and,
 * for a signed-in viewer, which of them the viewer likes in one query, so a page costs the same
 * whatever its size and whatever the data behind it. Lists owned by other domains (history, liked
 * videos, playlists) hand over their video ids in their own order and get the visible ones back as
 * cards in that order.
 */
@Injectable()
export class VideoCatalogueService {
  private readonly logger = new Logger(VideoCatalogueService.name);

  constructor(
    private readonly videos: VideosRepository,
    private readonly users: UsersService,
    private readonly likes: LikesService,
    private readonly pages: CursorPagesService,
  ) {}

  /**
   * `GET /video`: published videos only, the caller's too (all of theirs: `GET /video/me`).
   * Numbered or cursor pages (docs/api.md#cursor-pages); a cursor is bound to the sort, the
   * order, the owner filter and the search text it was issued for.
   */
  async listPublished(
    query: ListVideosQueryDto,
    viewerId: string | null,
  ): Promise<CursorPaginated<VideoCardResponse>> {
    const { sortBy, sortOrder } = query;
    const text = query.query ?? '';
    const list = `videos:${sortBy}:${sortOrder}:${query.userId ?? '-'}:${searchKey(text)}`;
    const request = this.pages.open(list, query, SORT_KEY_KINDS[sortBy]);
    // An unknown or pending owner has no visible catalogue (docs/api.md#visibility).
    if (query.userId !== undefined && !(await this.users.isVerified(query.userId))) {
      return this.pages.close(request, [], 0, positionBy(sortBy), () => Promise.resolve([]));
    }
    const filter = { ownerId: query.userId, text: query.query };
    const [records, total] = await Promise.all([
      this.videos.findPublishedPage(filter, sortBy, sortOrder, request.window),
      request.needsTotal ? this.videos.countPublished(filter) : null,
    ]);
    return this.pages.close(request, records, total, positionBy(sortBy), (page) =>
      this.cards(page, viewerId),
    );
  }

  /** `GET /video/me`: all of the caller's videos, newest first; cursors bound to the caller. */
  async listOwned(
    userId: string,
    query: CursorPaginationQueryDto,
  ): Promise<CursorPaginated<VideoCardResponse>> {
    const request = this.pages.open(`videos-mine:${userId}`, query, 'date');
    const [records, total] = await Promise.all([
      this.videos.findOwnedPage(userId, request.window),
      request.needsTotal ? this.videos.countOwned(userId) : null,
    ]);
    return this.pages.close(request, records, total, positionBy('createdAt'), (page) =>
      this.cards(page, userId),
    );
  }

  /** The visible videos among `orderedIds`, in that order, as cards (one page of them if asked). */
  async cardsInOrder(orderedIds: string[], options: CardsInOrderOptions): Promise<CardsInOrder> {
    const records =
      orderedIds.length === 0
        ? []
        : options.visibility === 'published'
          ? await this.videos.findPublishedByIds(orderedIds)
          : await this.videos.findVisibleByIds(orderedIds, options.viewerId);
    const byId = new Map(records.map((record) => [record._id.toHexString(), record]));
    const visible = orderedIds.flatMap((id) => byId.get(id) ?? []);
    const page = options.page
      ? visible.slice(options.page.skip, options.page.skip + options.page.limit)
      : visible;
    const { cards, owners } = await this.build(page, options.viewerId, options.alsoOwnerId);
    return {
      total: visible.length,
      cards,
      alsoOwner:
        options.alsoOwnerId === undefined ? null : (owners.get(options.alsoOwnerId) ?? null),
    };
  }

  /**
   * The video if it exists and is published, by reference (lists kept elsewhere, such as the
   * following feed, check a video before and after placing it); null when unpublished or gone.
   */
  async publishedRef(videoId: string): Promise<PublishedVideoRef | null> {
    const found = await this.videos.findRef(videoId);
    return found?.isPublished ? toRef(found) : null;
  }

  /** The owner's `limit` newest published videos, newest first, by reference. */
  async newestPublishedOf(ownerId: string, limit: number): Promise<PublishedVideoRef[]> {
    return (await this.videos.findNewestPublishedRefs(ownerId, limit)).map(toRef);
  }

  /** Cards for records already read (a page of a video list), in their order. */
  async cards(records: VideoRecord[], viewerId: string | null): Promise<VideoCardResponse[]> {
    return (await this.build(records, viewerId)).cards;
  }

  /**
   * Playlist covers: the thumbnail URL of each video among `videoIds` that `viewerId` may see, in
   * one query. Ids missing from the map are deleted or hidden videos.
   */
  async visibleThumbnails(
    videoIds: string[],
    viewerId: string | null,
  ): Promise<Map<string, string>> {
    if (videoIds.length === 0) return new Map();
    const found = await this.videos.findVisibleThumbnails(videoIds, viewerId);
    return new Map(found.map((video) => [video._id.toHexString(), video.thumbnail.url]));
  }

  /** The owner id of the video if it exists and `viewerId` may see it, else null (missing and hidden look the same). */
  async findVisibleOwnerId(videoId: string, viewerId: string | null): Promise<string | null> {
    const video = await this.videos.findVisible(videoId, viewerId);
    return video ? video.owner.toHexString() : null;
  }

  /**
   * A video as notifications name it (owner, title, published), if `viewerId` may see it; null
   * for missing and hidden alike.
   */
  async findVisibleSummary(
    videoId: string,
    viewerId: string | null,
  ): Promise<{ ownerId: string; title: string; isPublished: boolean } | null> {
    const video = await this.videos.findVisible(videoId, viewerId);
    return video
      ? { ownerId: video.owner.toHexString(), title: video.title, isPublished: video.isPublished }
      : null;
  }

  private async build(
    records: VideoRecord[],
    viewerId: string | null,
    alsoOwnerId?: string,
  ): Promise<{ cards: VideoCardResponse[]; owners: Map<string, OwnerLiteResponse> }> {
    const ownerIds = records.map((record) => record.owner.toHexString());
    if (alsoOwnerId !== undefined) ownerIds.push(alsoOwnerId);
    if (ownerIds.length === 0) return { cards: [], owners: new Map() };
    const [owners, liked] = await Promise.all([
      this.users.findOwnerLites(ownerIds),
      this.likes.likedAmong(
        'video',
        records.map((record) => record._id.toHexString()),
        viewerId,
      ),
    ]);
    const cards = records.flatMap((record) => {
      const id = record._id.toHexString();
      const owner = owners.get(record.owner.toHexString());
      if (!owner) {
        // Only verified users upload and accounts never become pending again; a video without
        // a visible owner stays out of the list rather than showing half a card.
        this.logger.warn(`Video ${id} has no visible owner; left out of the list`);
        return [];
      }
      return [
        toVideoCard(record, {
          owner,
          likesCount: record.likesCount ?? 0,
          isLiked: liked.has(id),
          viewerId,
        }),
      ];
    });
    return { cards, owners };
  }
}

function toRef(record: VideoRefRecord): PublishedVideoRef {
  return {
    videoId: record._id.toHexString(),
    ownerId: record.owner.toHexString(),
    createdAt: record.createdAt,
  };
}

/** The type of each sort key, which a cursor of that sort must carry. */
const SORT_KEY_KINDS = {
  createdAt: 'date',
  views: 'number',
  duration: 'number',
  title: 'string',
} as const satisfies Record<VideoSortField, 'date' | 'number' | 'string'>;

/** A video's place in a list sorted by `sortBy`: its key, then its `_id`. */
function positionBy(sortBy: VideoSortField): (record: VideoRecord) => CursorPosition {
  return (record) => ({ key: record[sortBy], id: record._id.toHexString() });
}
