/**
 * Published after comments were deleted (C6), or just before a batch of comments is deleted by
 * a parent's cascade, so that the likes module removes their likes without comments reaching
 * into its collection. Listeners must be idempotent and must throw when they fail: the cascade
 * then keeps the comments, which still lead to their likes, for a later retry.
 */
export class CommentsDeletedEvent {
  static readonly eventName = 'comments.deleted';

  constructor(readonly commentIds: string[]) {}
}
