/**
 * Likes live in the likes module (contract §5), which depends on videos (it checks that a video
 * is visible before liking it), so videos cannot import it. It binds an implementation as
 * `{ provide: VideoLikesPort, useExisting: … }` in a `@Global()` module, and VideosService
 * receives it with `@Optional()`.
 *
 * Both methods answer a whole page in one grouped query each (contract §1.12: never one query
 * per item).
 */
export abstract class VideoLikesPort {
  /** Number of likes per video id; ids without likes may be absent (read as 0). */
  abstract countsFor(videoIds: string[]): Promise<Map<string, number>>;
  /** The ids, among `videoIds`, that `userId` likes. */
  abstract likedBy(userId: string, videoIds: string[]): Promise<Set<string>>;
}
