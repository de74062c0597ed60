/**
 * Published after a community post document was deleted (P5 step 3), so that the modules owning
 * its dependents (likes: the post's likes; comments: its comments and, through them, their likes)
 * remove them without posts reaching into their collections. Listeners are idempotent and log
 * their own failures; reads always go through the post, so leftovers never show (I-5).
 */
export class CommunityPostDeletedEvent {
  static readonly eventName = 'community-post.deleted';

  constructor(
    readonly postId: string,
    readonly ownerId: string,
    readonly deletedAt: Date,
  ) {}
}
