import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import request from 'supertest';
import { CommunityPost } from 'src/modules/community-posts/schemas/community-post.schema';
import { repairCounters } from 'test/factories/counters.factory';
import type { TestUser } from 'test/factories/users.factory';
import type { TestApp } from 'test/utils/test-app';

/** A Post as `POST /communitypost` returns it. */
export interface CreatedPost {
  _id: string;
  content: string;
  owner: { _id: string; username: string; name: string; profileImage: string };
  likesCount: number;
  isLiked: boolean;
  createdAt: string;
  updatedAt: string;
}

function postModel(t: TestApp): Model<CommunityPost> {
  return t.app.get<Model<CommunityPost>>(getModelToken(CommunityPost.name));
}

/** A post created through the real endpoint (`POST /communitypost`). */
export async function createPost(
  t: TestApp,
  owner: TestUser,
  content = 'Rehearsal tonight at 8',
): Promise<CreatedPost> {
  const res = await request(t.app.getHttpServer())
    .post('/api/v1/communitypost')
    .set('Authorization', owner.authHeader)
    .send({ content });
  if (res.status !== 201) throw new Error(`post failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { data: CreatedPost }).data;
}

/**
 * A post written straight to the collection at a chosen time (pagination: many posts sharing one
 * `createdAt`); its counters follow the likes and comments already stored for it.
 */
export async function insertPost(
  t: TestApp,
  ownerId: string,
  overrides: { content?: string; createdAt?: Date } = {},
): Promise<string> {
  const createdAt = overrides.createdAt ?? new Date();
  // Straight to the driver: Mongoose timestamps would overwrite the chosen createdAt.
  const created = await postModel(t).collection.insertOne({
    owner: new Types.ObjectId(ownerId),
    content: overrides.content ?? 'Stored post',
    createdAt,
    updatedAt: createdAt,
  });
  const postId = created.insertedId.toHexString();
  await repairCounters(t, { posts: [postId] });
  return postId;
}

/** The stored truth: does this post document still exist? */
export async function postExists(t: TestApp, postId: string): Promise<boolean> {
  return (await postModel(t).collection.countDocuments({ _id: new Types.ObjectId(postId) })) === 1;
}

/** Many stored posts of one owner (as `insertPost`, one write): their ids, in order. */
export async function insertPosts(
  t: TestApp,
  ownerId: string,
  createdAts: Date[],
): Promise<string[]> {
  if (createdAts.length === 0) return [];
  const created = await postModel(t).collection.insertMany(
    createdAts.map((createdAt) => ({
      owner: new Types.ObjectId(ownerId),
      content: 'Stored post',
      createdAt,
      updatedAt: createdAt,
    })),
  );
  const ids = createdAts.map((_, index) => created.insertedIds[index].toHexString());
  await repairCounters(t, { posts: ids });
  return ids;
}
