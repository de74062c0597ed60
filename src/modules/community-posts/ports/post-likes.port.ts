/** A post's like figures as the Post shape shows them (§1.12). */
export interface PostLikeFigures {
  likesCount: number;
  /** The viewer likes this post; false for anonymous viewers. */
  isLiked: boolean;
}

/**
 * Likes live in the likes module (contract §5), which depends on community posts (L3 checks
 * that a post exists before liking it), so posts cannot import it. The likes module binds an
 * implementation as `{ provide: PostLikesPort, useExisting: … }` from its `@Global()` module.
 */
export abstract class PostLikesPort {
  /**
   * Figures for a page of posts in ONE grouped query (§1.12: never one query per item).
   * Posts without likes may be absent (read as 0 / false).
   */
  abstract figuresFor(
    postIds: string[],
    viewerId: string | null,
  ): Promise<Map<string, PostLikeFigures>>;
}
