import type { VideoCardResponse } from 'src/modules/videos/dto/video.response';
import type { HistoryItemResponse } from 'src/features/engagement/dto/history-item.response';

export function toHistoryItem(card: VideoCardResponse, watchedAt: Date): HistoryItemResponse {
  return { ...card, watchedAt: watchedAt.toISOString() };
}
