import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import { User } from 'src/modules/users/schemas/user.schema';
import type { TestUser } from 'test/factories/users.factory';
import { api } from 'test/utils/contract';
import type { TestApp } from 'test/utils/test-app';

export const FEED = '/api/v1/feed/videos';

/** A page of the following feed, as clients get it. */
export interface FeedPage {
  docs: { _id: string; owner: { _id: string }; [key: string]: unknown }[];
  limit: number;
  nextCursor: string | null;
}

export function feedOf(t: TestApp, user: TestUser, query = '') {
  return api(t).get(`${FEED}${query}`).set('Authorization', user.authHeader);
}

/** The ids of the caller's feed, newest first (one page of `limit`). */
export async function feedIds(t: TestApp, user: TestUser, limit = 50): Promise<string[]> {
  const res = await feedOf(t, user, `?limit=${limit}`).expect(200);
  return (res.body.data as FeedPage).docs.map((card) => card._id);
}

/** Waits until every background job (fan-out, backfill, removals) has finished. */
export function settle(t: TestApp): Promise<void> {
  return t.app.get(JobQueues).idle();
}

/** The follow toggle through HTTP: the toggle publishes the follow events. */
export async function toggleFollow(t: TestApp, user: TestUser, target: { id: string }) {
  return api(t)
    .post(`/api/v1/follower/toggle/${target.id}`)
    .set('Authorization', user.authHeader)
    .expect(200);
}

export async function setPublished(t: TestApp, owner: TestUser, videoId: string, value: boolean) {
  return api(t)
    .patch(`/api/v1/video/publish-status/${videoId}`)
    .set('Authorization', owner.authHeader)
    .send({ isPublished: value })
    .expect(200);
}

export async function deleteVideo(t: TestApp, owner: TestUser, videoId: string) {
  return api(t)
    .delete(`/api/v1/video/${videoId}`)
    .set('Authorization', owner.authHeader)
    .expect(200);
}

/** Follow relations written straight to the collection, many at once. */
export async function insertFollows(
  t: TestApp,
  pairs: { follower: string; following: string }[],
): Promise<void> {
  const now = Date.now();
  await t.connection.collection('follows').insertMany(
    pairs.map((pair, index) => ({
      follower: new Types.ObjectId(pair.follower),
      following: new Types.ObjectId(pair.following),
      // Distinct, increasing times, as follows made one after another have.
      createdAt: new Date(now - pairs.length + index),
      updatedAt: new Date(now),
    })),
  );
}

/** Timeline entries written straight to the collection (round-trip tests need many). */
export async function insertTimelineEntries(
  t: TestApp,
  userId: string,
  videos: { videoId: string; ownerId: string; createdAt: Date }[],
): Promise<void> {
  await t.connection.collection('timelineentries').insertMany(
    videos.map((video) => ({
      user: new Types.ObjectId(userId),
      video: new Types.ObjectId(video.videoId),
      owner: new Types.ObjectId(video.ownerId),
      videoCreatedAt: video.createdAt,
      createdAt: new Date(),
    })),
  );
}

/** Many verified users written at once (no sessions): creators whose videos others see. */
export async function insertCreators(t: TestApp, count: number): Promise<string[]> {
  const users = t.app.get<Model<User>>(getModelToken(User.name));
  const created = await users.insertMany(
    Array.from({ length: count }, () => {
      const suffix = new Types.ObjectId().toHexString().slice(-12);
      return {
        username: `c_${suffix}`,
        email: `c_${suffix}@example.test`,
        name: `Creator ${suffix}`,
        password: 'not-a-real-hash',
        profileImage: 'https://media.test/avatar.png',
        isVerified: true,
      };
    }),
  );
  return created.map((user) => user._id.toHexString());
}

/** How many timeline entries exist, in all or for one filter. */
export function countEntries(
  t: TestApp,
  filter: { user?: string; video?: string; owner?: string } = {},
): Promise<number> {
  const query: Record<string, Types.ObjectId> = {};
  for (const [field, id] of Object.entries(filter))
    if (id !== undefined) query[field] = new Types.ObjectId(id);
  return t.connection.collection('timelineentries').countDocuments(query);
}
