import type { LikeFiguresRecord } from 'src/modules/likes/like-records.type';
import type { LikedVideoResponse } from 'src/modules/likes/dto/liked-video.response';
import type { LikeToggleResponse } from 'src/modules/likes/dto/like-toggle.response';
import type { VideoCardResponse } from 'src/modules/videos/dto/video.response';

/** A target's figures as the Comment and Post shapes show them. */
export interface LikeFigures {
  likesCount: number;
  isLiked: boolean;
}

export function toLikeFigures(record: LikeFiguresRecord | undefined): LikeFigures {
  return { likesCount: record?.count ?? 0, isLiked: (record?.liked ?? 0) === 1 };
}

/** Grouped rows keyed by target id (string); targets without likes have no row. */
export function toFiguresByTarget(records: LikeFiguresRecord[]): Map<string, LikeFigures> {
  return new Map(records.map((record) => [record._id.toHexString(), toLikeFigures(record)]));
}

export function toLikeToggle(record: LikeFiguresRecord | undefined): LikeToggleResponse {
  const figures = toLikeFigures(record);
  return { isLiked: figures.isLiked, likesCount: figures.likesCount };
}

/** LikedVideo: the card, then `likedAt`; `isLiked` is true by definition of the list. */
export function toLikedVideo(card: VideoCardResponse, likedAt: Date): LikedVideoResponse {
  return { ...card, isLiked: true, likedAt: likedAt.toISOString() };
}
