import type { CommentRecord } from 'src/modules/comments/comment-records.type';
import type { CommentResponse } from 'src/modules/comments/dto/comment.response';
import type { LikeFigures } from 'src/modules/likes/likes.mapper';
import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';

/**
 * Comment, keys in their documented order. `video` is present only on video comments and
 * `communityPost` only on post comments: the key is left out, never set to null.
 */
export function toCommentResponse(
  comment: CommentRecord,
  owner: OwnerLiteResponse,
  figures: LikeFigures,
): CommentResponse {
  const parent: Pick<CommentResponse, 'video' | 'communityPost'> = comment.video
    ? { video: comment.video.toHexString() }
    : comment.communityPost
      ? { communityPost: comment.communityPost.toHexString() }
      : {};
  return {
    _id: comment._id.toHexString(),
    content: comment.content,
    ...parent,
    owner: {
      _id: owner._id,
      username: owner.username,
      name: owner.name,
      profileImage: owner.profileImage,
    },
    likesCount: figures.likesCount,
    isLiked: figures.isLiked,
    createdAt: comment.createdAt.toISOString(),
    updatedAt: comment.updatedAt.toISOString(),
    // Threads (after the original fields, so the web client's shape is unchanged).
    parentId: comment.parent ? comment.parent.toHexString() : null,
    ...(comment.parent
      ? { replyTo: comment.replyTo ? comment.replyTo.toHexString() : null }
      : { replyCount: comment.replyCount ?? 0 }),
  };
}
