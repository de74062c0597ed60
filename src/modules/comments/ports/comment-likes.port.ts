/** A comment's like figures as the Comment shape shows them (§1.12). */
export interface CommentLikeFigures {
  likesCount: number;
  /** The viewer likes this comment; false for anonymous viewers. */
  isLiked: boolean;
}

/**
 * Likes live in the likes module (contract §5), which depends on comments (L2 checks that a
 * comment is visible before liking it), so comments cannot import it. The likes module binds an
 * implementation as `{ provide: CommentLikesPort, useExisting: … }` from its `@Global()` module.
 */
export abstract class CommentLikesPort {
  /**
   * Figures for a page of comments in ONE grouped query (§1.12: never one query per item).
   * Comments without likes may be absent (read as 0 / false).
   */
  abstract figuresFor(
    commentIds: string[],
    viewerId: string | null,
  ): Promise<Map<string, CommentLikeFigures>>;
}
