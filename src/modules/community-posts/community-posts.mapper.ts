import type { PostResponse } from 'src/modules/community-posts/dto/post.response';
import type { LikeFigures } from 'src/modules/likes/likes.mapper';
import type { PostRecord } from 'src/modules/community-posts/post-records.type';
import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';

/**
 * Post, keys in their documented order; fields are listed one by one so nothing stored (`__v`)
 * slips out.
 */
export function toPostResponse(
  post: PostRecord,
  owner: OwnerLiteResponse,
  figures: LikeFigures,
): PostResponse {
  return {
    _id: post._id.toHexString(),
    owner: {
      _id: owner._id,
      username: owner.username,
      name: owner.name,
      profileImage: owner.profileImage,
    },
    content: post.content,
    likesCount: figures.likesCount,
    isLiked: figures.isLiked,
    createdAt: post.createdAt.toISOString(),
    updatedAt: post.updatedAt.toISOString(),
  };
}
