import { Injectable } from '@nestjs/common';
import { type Paginated, paginate } from 'src/common/dto/paginated.util';
import type { PaginationQueryDto } from 'src/common/dto/pagination-query.dto';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { VideosService } from 'src/modules/videos/videos.service';
import type { HistoryItemResponse } from 'src/modules/watch-history/dto/history-item.response';
import { toHistoryItem } from 'src/modules/watch-history/watch-history.mapper';
import { WatchHistoryRepository } from 'src/modules/watch-history/watch-history.repository';

/** U7 and U8: the caller's own watch history. */
@Injectable()
export class WatchHistoryService {
  constructor(
    private readonly entries: WatchHistoryRepository,
    private readonly videos: VideosService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * U7. Only entries whose video exists and is published are listed and counted. A history
   * holds at most HISTORY_MAX_ENTRIES (200) entries, so all of them are read in one query and
   * filtered in memory: the total is then exact, which a page-by-page query could not give
   * without joining videos. Newest first, `_id` descending breaking ties.
   */
  async list(userId: string, query: PaginationQueryDto): Promise<Paginated<HistoryItemResponse>> {
    const { page, limit } = query;
    const entries = await this.entries.findNewest(userId, this.config.historyMaxEntries);
    const watchedAt = new Map(entries.map((entry) => [entry.video.toHexString(), entry.watchedAt]));
    const { totalDocs, cards } = await this.videos.publishedCardsInOrder(
      [...watchedAt.keys()],
      (page - 1) * limit,
      limit,
      userId,
    );
    const docs = cards.map((card) => toHistoryItem(card, watchedAt.get(card._id) ?? new Date(0)));
    return paginate(docs, totalDocs, page, limit);
  }

  /** U8. */
  async clear(userId: string): Promise<null> {
    await this.entries.deleteForUser(userId);
    return null;
  }
}
