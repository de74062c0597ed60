import { randomUUID } from 'node:crypto';
import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import request from 'supertest';
import { Video } from 'src/modules/videos/schemas/video.schema';
import { repairCounters } from 'test/factories/counters.factory';
import type { TestUser } from 'test/factories/users.factory';
import { tinyMp4, tinyPng } from 'test/fixtures/media.fixture';
import type { TestApp } from 'test/utils/test-app';

export interface UploadOptions {
  title?: string;
  description?: string;
  isPublished?: boolean;
  video?: Buffer;
  thumbnail?: Buffer;
  thumbnailName?: string;
}

/** The VideoCard of a video uploaded through `POST /video`, as the API returned it. */
export interface UploadedVideo {
  _id: string;
  title: string;
  isPublished: boolean;
  duration: number;
  videoFile: { url: string };
  thumbnail: { url: string };
  [key: string]: unknown;
}

/**
 * A video uploaded through the real endpoint (`POST /video`), with real media through the
 * configured storage.
 */
export async function uploadVideo(
  t: TestApp,
  owner: TestUser,
  options: UploadOptions = {},
): Promise<UploadedVideo> {
  const req = request(t.app.getHttpServer())
    .post('/api/v1/video')
    .set('Authorization', owner.authHeader)
    .field('title', options.title ?? `Dance ${randomUUID().slice(0, 8)}`)
    .field('isPublished', String(options.isPublished ?? true));
  if (options.description !== undefined) req.field('description', options.description);
  const res = await req
    .attach('video', options.video ?? tinyMp4(), 'clip.mp4')
    .attach('thumbnail', options.thumbnail ?? tinyPng(), options.thumbnailName ?? 'thumb.png');
  if (res.status !== 201)
    throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { data: UploadedVideo }).data;
}

export interface StoredVideoOverrides {
  title?: string;
  description?: string;
  duration?: number;
  views?: number;
  isPublished?: boolean;
  createdAt?: Date;
}

/**
 * A video written straight to the collection, for lists that need many videos or exact
 * timestamps (pagination); its counters and its owner's channel totals (views included) follow
 * it. Its media URLs point nowhere; tests that touch media use `uploadVideo`.
 */
export async function insertVideo(
  t: TestApp,
  ownerId: string,
  overrides: StoredVideoOverrides = {},
): Promise<string> {
  const videos = t.app.get<Model<Video>>(getModelToken(Video.name));
  const key = randomUUID();
  const createdAt = overrides.createdAt ?? new Date();
  // Straight to the driver: Mongoose timestamps would overwrite the chosen createdAt.
  const created = await videos.collection.insertOne({
    owner: new Types.ObjectId(ownerId),
    title: overrides.title ?? `Stored ${key.slice(0, 8)}`,
    description: overrides.description ?? '',
    duration: overrides.duration ?? 10,
    views: overrides.views ?? 0,
    isPublished: overrides.isPublished ?? true,
    videoFile: { url: `https://media.test/videos/${key}.mp4`, key: `videos/${key}` },
    thumbnail: { url: `https://media.test/thumbnails/${key}.png`, key: `thumbnails/${key}` },
    createdAt,
    updatedAt: createdAt,
  });
  const videoId = created.insertedId.toHexString();
  await repairCounters(t, { videos: [videoId] });
  return videoId;
}

/** Many stored videos at once (as `insertVideo`, one write and one counter repair): their ids, in order. */
export async function insertVideos(
  t: TestApp,
  ownerId: string,
  many: StoredVideoOverrides[],
): Promise<string[]> {
  if (many.length === 0) return [];
  const videos = t.app.get<Model<Video>>(getModelToken(Video.name));
  const now = new Date();
  const created = await videos.collection.insertMany(
    many.map((overrides) => {
      const key = randomUUID();
      const createdAt = overrides.createdAt ?? now;
      return {
        owner: new Types.ObjectId(ownerId),
        title: overrides.title ?? `Stored ${key.slice(0, 8)}`,
        description: overrides.description ?? '',
        duration: overrides.duration ?? 10,
        views: overrides.views ?? 0,
        isPublished: overrides.isPublished ?? true,
        videoFile: { url: `https://media.test/videos/${key}.mp4`, key: `videos/${key}` },
        thumbnail: { url: `https://media.test/thumbnails/${key}.png`, key: `thumbnails/${key}` },
        createdAt,
        updatedAt: createdAt,
      };
    }),
  );
  const ids = many.map((_, index) => created.insertedIds[index].toHexString());
  await repairCounters(t, { videos: ids });
  return ids;
}
