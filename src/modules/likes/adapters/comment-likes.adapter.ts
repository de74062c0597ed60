import { Injectable } from '@nestjs/common';
import { CommentLikesPort } from 'src/modules/comments/ports/comment-likes.port';
import { type LikeFigures, toFiguresByTarget } from 'src/modules/likes/likes.mapper';
import { LikesRepository } from 'src/modules/likes/likes.repository';

/** Comment pages get `likesCount` and `isLiked` together from one grouped query. */
@Injectable()
export class CommentLikesAdapter implements CommentLikesPort {
  constructor(private readonly likes: LikesRepository) {}

  async figuresFor(
    commentIds: string[],
    viewerId: string | null,
  ): Promise<Map<string, LikeFigures>> {
    if (commentIds.length === 0) return new Map();
    return toFiguresByTarget(await this.likes.figuresFor('comment', commentIds, viewerId));
  }
}
