import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import request from 'supertest';
import { Comment } from 'src/modules/comments/schemas/comment.schema';
import { repairCounters } from 'test/factories/counters.factory';
import type { TestUser } from 'test/factories/users.factory';
import type { TestApp } from 'test/utils/test-app';

/** A Comment as the add-comment routes return it. */
export interface CreatedComment {
  _id: string;
  content: string;
  video?: string;
  communityPost?: string;
  owner: { _id: string; username: string; name: string; profileImage: string };
  likesCount: number;
  isLiked: boolean;
  createdAt: string;
  updatedAt: string;
}

export type CommentParentRef = { video: string } | { communityPost: string };

function commentModel(t: TestApp): Model<Comment> {
  return t.app.get<Model<Comment>>(getModelToken(Comment.name));
}

/**
 * A comment created through the real endpoint (`POST /comment/video-comments/:videoId` or
 * `/post-comments/:postId`).
 */
export async function addComment(
  t: TestApp,
  author: TestUser,
  parent: CommentParentRef,
  content = 'Great moves!',
): Promise<CreatedComment> {
  const path =
    'video' in parent
      ? `/api/v1/comment/video-comments/${parent.video}`
      : `/api/v1/comment/post-comments/${parent.communityPost}`;
  const res = await request(t.app.getHttpServer())
    .post(path)
    .set('Authorization', author.authHeader)
    .send({ content });
  if (res.status !== 201)
    throw new Error(`comment failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { data: CreatedComment }).data;
}

/**
 * A comment written straight to the collection at a chosen time (pagination), or under a parent
 * that is gone; its parent's `commentsCount` (and its own `likesCount`) follow it.
 */
export async function insertComment(
  t: TestApp,
  ownerId: string,
  parent: CommentParentRef,
  overrides: { content?: string; createdAt?: Date } = {},
): Promise<string> {
  const createdAt = overrides.createdAt ?? new Date();
  const parentKey =
    'video' in parent
      ? { video: new Types.ObjectId(parent.video) }
      : { communityPost: new Types.ObjectId(parent.communityPost) };
  // Straight to the driver: Mongoose timestamps would overwrite the chosen createdAt.
  const created = await commentModel(t).collection.insertOne({
    ...parentKey,
    owner: new Types.ObjectId(ownerId),
    content: overrides.content ?? 'Stored comment',
    createdAt,
    updatedAt: createdAt,
  });
  const commentId = created.insertedId.toHexString();
  await repairCounters(t, {
    comments: [commentId],
    ...('video' in parent ? { videos: [parent.video] } : { posts: [parent.communityPost] }),
  });
  return commentId;
}

/** The stored truth: comments under a parent. */
export function countComments(t: TestApp, parent: CommentParentRef): Promise<number> {
  const filter =
    'video' in parent
      ? { video: new Types.ObjectId(parent.video) }
      : { communityPost: new Types.ObjectId(parent.communityPost) };
  return commentModel(t).collection.countDocuments(filter);
}

/** The stored truth: does this comment document still exist? */
export async function commentExists(t: TestApp, commentId: string): Promise<boolean> {
  return (
    (await commentModel(t).collection.countDocuments({ _id: new Types.ObjectId(commentId) })) === 1
  );
}

/** Many stored top-level comments under one parent (as `insertComment`, one write): their ids, in order. */
export async function insertComments(
  t: TestApp,
  ownerId: string,
  parent: CommentParentRef,
  createdAts: Date[],
): Promise<string[]> {
  if (createdAts.length === 0) return [];
  const parentKey =
    'video' in parent
      ? { video: new Types.ObjectId(parent.video) }
      : { communityPost: new Types.ObjectId(parent.communityPost) };
  const created = await commentModel(t).collection.insertMany(
    createdAts.map((createdAt) => ({
      ...parentKey,
      owner: new Types.ObjectId(ownerId),
      content: 'Stored comment',
      createdAt,
      updatedAt: createdAt,
    })),
  );
  const ids = createdAts.map((_, index) => created.insertedIds[index].toHexString());
  await repairCounters(t, {
    comments: ids,
    ...('video' in parent ? { videos: [parent.video] } : { posts: [parent.communityPost] }),
  });
  return ids;
}
