/**
 * Published after a video document was deleted (V6 step 3), so that each module owning
 * dependents (watch history now; likes, comments and playlists later) removes them itself,
 * without videos reaching into their collections. Listeners must be idempotent: the event may be
 * handled again by a reconciliation job, and reads always go through the parent anyway (I-5).
 */
export class VideoDeletedEvent {
  static readonly eventName = 'video.deleted';

  constructor(
    readonly videoId: string,
    readonly ownerId: string,
    readonly deletedAt: Date,
  ) {}
}
