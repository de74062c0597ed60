import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { Follow } from 'src/modules/follows/schemas/follow.schema';
import { repairCounters } from 'test/factories/counters.factory';
import type { TestApp } from 'test/utils/test-app';

function followModel(t: TestApp): Model<Follow> {
  return t.app.get<Model<Follow>>(getModelToken(Follow.name));
}

/**
 * A follow relation written straight to the collection, at a chosen time (pagination tests need
 * many relations sharing one `createdAt`); both users' follow counters follow it. Tests that
 * exercise the follow toggle itself go through HTTP.
 */
export async function insertFollow(
  t: TestApp,
  followerId: string,
  followingId: string,
  createdAt: Date = new Date(),
): Promise<string> {
  // Straight to the driver: Mongoose timestamps would overwrite the chosen createdAt.
  const created = await followModel(t).collection.insertOne({
    follower: new Types.ObjectId(followerId),
    following: new Types.ObjectId(followingId),
    createdAt,
    updatedAt: createdAt,
  });
  await repairCounters(t, { users: [followerId, followingId] });
  return created.insertedId.toHexString();
}

/** The stored truth the counters must equal. */
export function countFollows(
  t: TestApp,
  filter: { follower?: string; following?: string },
): Promise<number> {
  const query: Record<string, Types.ObjectId> = {};
  if (filter.follower !== undefined) query.follower = new Types.ObjectId(filter.follower);
  if (filter.following !== undefined) query.following = new Types.ObjectId(filter.following);
  return followModel(t).collection.countDocuments(query);
}
