import { Injectable } from '@nestjs/common';
import { type Paginated, paginate } from 'src/common/dto/paginated.util';
import type { PaginationQueryDto } from 'src/common/dto/pagination-query.dto';
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
  ) {}

  /**
   * Only entries whose video exists and is published are listed and counted. A history is
   * bounded (HISTORY_MAX_ENTRIES), so all of it is read in one query and filtered in memory: the
   * total is then exact, which a page-by-page query could not give without joining videos.
   */
  async list(userId: string, query: PaginationQueryDto): Promise<Paginated<HistoryItemResponse>> {
    const { page, limit } = query;
    const entries = await this.history.newestFirst(userId);
    const watchedAt = new Map(entries.map((entry) => [entry.videoId, entry.watchedAt]));
    const { total, cards } = await this.videos.cardsInOrder([...watchedAt.keys()], {
      viewerId: userId,
      visibility: 'published',
      page: { skip: (page - 1) * limit, limit },
    });
    const docs = cards.map((card) => toHistoryItem(card, watchedAt.get(card._id) ?? new Date(0)));
    return paginate(docs, total, page, limit);
  }

  async clear(userId: string): Promise<null> {
    await this.history.clear(userId);
    return null;
  }
}
