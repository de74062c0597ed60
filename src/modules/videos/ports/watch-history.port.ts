/**
 * V4 moves the video to the top of the caller's watch history. The history module depends on
 * videos (U7 lists video cards), so it provides this port from a `@Global()` module instead of
 * being imported here. It is required, not optional: V4 is incomplete without it.
 */
export abstract class WatchHistoryPort {
  /** Upserts `{user, video}` with `watchedAt`, then trims the user's history to its maximum. */
  abstract recordWatch(userId: string, videoId: string, watchedAt: Date): Promise<void>;
}
