import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import request, { type Test } from 'supertest';
import type { ReconcileTargets } from 'src/features/counters/reconcile-report.type';
import { Like, type LikeTargetType } from 'src/modules/likes/schemas/like.schema';
import { repairCounters } from 'test/factories/counters.factory';
import type { TestUser } from 'test/factories/users.factory';
import type { TestApp } from 'test/utils/test-app';

const TOGGLE_PATHS: Record<LikeTargetType, string> = {
  video: '/api/v1/like/toggle-video-like',
  comment: '/api/v1/like/toggle-comment-like',
  communityPost: '/api/v1/like/toggle-community-post-like',
};

function likeModel(t: TestApp): Model<Like> {
  return t.app.get<Model<Like>>(getModelToken(Like.name));
}

/**
 * One toggle through the real endpoint (`POST /like/toggle-…`); the raw response, for status and
 * body checks.
 */
export function toggleLike(
  t: TestApp,
  user: TestUser,
  targetType: LikeTargetType,
  targetId: string,
): Test {
  return request(t.app.getHttpServer())
    .post(`${TOGGLE_PATHS[targetType]}/${targetId}`)
    .set('Authorization', user.authHeader);
}

/**
 * A like written straight to the collection at a chosen time (liked-videos order, orphan likes for
 * the delete cascades); the target's `likesCount` (and a video owner's channel likes) follow it.
 */
export async function insertLike(
  t: TestApp,
  userId: string,
  targetType: LikeTargetType,
  targetId: string,
  createdAt: Date = new Date(),
): Promise<string> {
  // Straight to the driver: Mongoose timestamps would overwrite the chosen createdAt.
  const created = await likeModel(t).collection.insertOne({
    targetType,
    target: new Types.ObjectId(targetId),
    likedBy: new Types.ObjectId(userId),
    createdAt,
    updatedAt: createdAt,
  });
  await repairCounters(t, LIKE_TARGETS[targetType]([targetId]));
  return created.insertedId.toHexString();
}

/** Which counters a like of each kind of target moves. */
const LIKE_TARGETS: Record<LikeTargetType, (ids: string[]) => ReconcileTargets> = {
  video: (ids) => ({ videos: ids }),
  comment: (ids) => ({ comments: ids }),
  communityPost: (ids) => ({ posts: ids }),
};

/**
 * The stored truth every `likesCount` must equal; `likedBy` narrows it to one user (at most one
 * like each).
 */
export function countLikes(
  t: TestApp,
  targetType: LikeTargetType,
  targetId: string,
  likedBy?: string,
): Promise<number> {
  const filter: Record<string, unknown> = { targetType, target: new Types.ObjectId(targetId) };
  if (likedBy !== undefined) filter.likedBy = new Types.ObjectId(likedBy);
  return likeModel(t).collection.countDocuments(filter);
}
