import type { LikedVideoResponse } from 'src/features/engagement/dto/liked-video.response';
import type { VideoCardResponse } from 'src/modules/videos/dto/video.response';

/** LikedVideo: the card, then `likedAt`; `isLiked` is true by definition of the list. */
export function toLikedVideo(card: VideoCardResponse, likedAt: Date): LikedVideoResponse {
  return { ...card, isLiked: true, likedAt: likedAt.toISOString() };
}
