import { Injectable } from '@nestjs/common';
import type { CursorPaginated } from 'src/common/dto/paginated.util';
import type { CursorPaginationQueryDto } from 'src/common/dto/pagination-query.dto';
import { comesAfter, CursorPagesService } from 'src/common/pagination/cursor-pages.service';
import type { HistoryItemResponse } from 'src/features/engagement/dto/history-item.response';
import { toHistoryItem } from 'src/features/engagement/watch-history.mapper';
import { VideoCatalogueService } from 'src/modules/videos/video-catalogue.service';
import { WatchHistoryService } from 'src/modules/watch-history/watch-history.service';

/** The caller's watch history as video cards (GET and DELETE /user/history). */
@Injectable()
export class HistoryListService {
  constructor(
    private readonly history: WatchHistoryService,
    private readonly videos: VideoCatalogueService,
    private readonly pages: CursorPagesService,
  ) {}

  /**
   * Only entries whose video exists and is published are listed and counted. A history is
   * bounded (HISTORY_MAX_ENTRIES), so all of it is read in one query and filtered in memory: the
   * total of a numbered page is then exact, which a page-by-page query could not give without
   * joining videos. A cursor page (docs/api.md#cursor-pages) continues after an entry's
   * (`watchedAt`, entry `_id`): a video watched again meanwhile moves above the position and is
   * not served twice.
   */
  async list(
    userId: string,
    query: CursorPaginationQueryDto,
  ): Promise<CursorPaginated<HistoryItemResponse>> {
    const request = this.pages.open(`history:${userId}`, query, 'date');
    const { after, skip, take } = request.window;
    const entries = (await this.history.newestFirst(userId)).filter(
      (entry) =>
        after === null || comesAfter({ key: entry.watchedAt, id: entry.entryId }, after, 'desc'),
    );
    const byVideo = new Map(entries.map((entry) => [entry.videoId, entry]));
    const { total, cards } = await this.videos.cardsInOrder([...byVideo.keys()], {
      viewerId: userId,
      visibility: 'published',
      page: { skip, limit: take },
    });
    const items = cards.flatMap((card) => {
      const entry = byVideo.get(card._id);
      return entry ? [{ entry, doc: toHistoryItem(card, entry.watchedAt) }] : [];
    });
    return this.pages.close(
      request,
      items,
      total,
      ({ entry }) => ({ key: entry.watchedAt, id: entry.entryId }),
      (page) => Promise.resolve(page.map(({ doc }) => doc)),
    );
  }

  async clear(userId: string): Promise<null> {
    await this.history.clear(userId);
    return null;
  }
}
