import type { JoinedFigure } from 'src/common/database/joined-figure.type';

/**
 * Likes live in the likes module (contract §5), which depends on videos (it checks that a video
 * is visible before liking it), so videos cannot import it. It binds an implementation as
 * `{ provide: VideoLikesPort, useExisting: … }` in a `@Global()` module, and VideosService
 * receives it with `@Optional()`.
 *
 * Each method answers a whole page in one grouped query (contract §1.12: never one query per
 * item).
 */
export abstract class VideoLikesPort {
  /** Number of likes per video id; ids without likes may be absent (read as 0). */
  abstract countsFor(videoIds: string[]): Promise<Map<string, number>>;
  /**
   * `likesCount` and whether `viewerId` likes each video, together (cards need both). Ids without
   * likes may be absent (read as 0 / false); `isLiked` is false for anonymous viewers.
   */
  abstract figuresFor(
    videoIds: string[],
    viewerId: string | null,
  ): Promise<Map<string, { likesCount: number; isLiked: boolean }>>;
  /**
   * The same figures for one video inside the caller's aggregation over videos (V4 reads a video
   * and all its figures in one round trip). The join goes into the field `as`.
   */
  abstract figuresJoin(
    videoId: string,
    viewerId: string | null,
    as: string,
  ): JoinedFigure<{ likesCount: number; isLiked: boolean }>;
}
