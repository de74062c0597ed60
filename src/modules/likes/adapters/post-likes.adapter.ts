import { Injectable } from '@nestjs/common';
import { PostLikesPort } from 'src/modules/community-posts/ports/post-likes.port';
import { type LikeFigures, toFiguresByTarget } from 'src/modules/likes/likes.mapper';
import { LikesRepository } from 'src/modules/likes/likes.repository';

/** Post pages get `likesCount` and `isLiked` together from one grouped query. */
@Injectable()
export class PostLikesAdapter implements PostLikesPort {
  constructor(private readonly likes: LikesRepository) {}

  async figuresFor(postIds: string[], viewerId: string | null): Promise<Map<string, LikeFigures>> {
    if (postIds.length === 0) return new Map();
    return toFiguresByTarget(await this.likes.figuresFor('communityPost', postIds, viewerId));
  }
}
