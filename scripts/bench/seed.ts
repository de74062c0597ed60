/**
 * Seeding one scale through the app's own Mongoose models (instance B), then, when the app has
 * maintained counters, recomputing them with its reconcile service.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getModelToken } from '@nestjs/mongoose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Types, type Model } from 'mongoose';
import { Comment } from 'src/modules/comments/schemas/comment.schema';
import { Follow } from 'src/modules/follows/schemas/follow.schema';
import { Like } from 'src/modules/likes/schemas/like.schema';
import { PasswordHasherService } from 'src/modules/users/password-hasher.service';
import { User } from 'src/modules/users/schemas/user.schema';
import { Video } from 'src/modules/videos/schemas/video.schema';
import { log, root } from 'scripts/bench/processes';
import type { DataSize } from 'scripts/bench/settings';

/** At 1×: likes and comments on the hot video (the watch page and the comments page). */
const HOT_LIKES = 150;
const HOT_COMMENTS = 300;

export interface Seeded {
  /** Rows actually written (likes and follows are de-duplicated, so may fall short). */
  data: DataSize;
  hotVideoId: string;
  toggleVideoId: string;
  /** The video the idempotent-replay row comments on (no other row reads it). */
  replayVideoId: string;
  /** Dancer 0: owns every 20th video, followed by everyone; the profile and the dashboard. */
  creatorId: string;
  creatorUsername: string;
  /** Every seeded user's id, dancer i at index i. */
  userIds: string[];
  /** The published videos, oldest first: the feed's timelines are built from them. */
  published: PublishedVideo[];
  seconds: number;
}

/** A published video as a timeline entry needs it. */
export interface PublishedVideo {
  videoId: string;
  ownerId: string;
  createdAt: Date;
}

function pick<T>(items: T[], i: number): T {
  return items[i % items.length];
}

export async function seed(
  app: NestExpressApplication,
  mediaBaseUrl: string,
  size: DataSize,
  scale: number,
  password: string,
  batchSize: number,
): Promise<Seeded> {
  const started = performance.now();
  const model = <T>(name: string): Model<T> => app.get<Model<T>>(getModelToken(name));
  const passwordHash = await app.get(PasswordHasherService).hash(password);
  const t0 = Date.UTC(2026, 0, 1);
  const at = (i: number): Date => new Date(t0 + i * 60_000);
  /** Large unordered batches, lean (no hydration): the models' own insertMany. */
  const insert = async <T>(target: Model<T>, docs: Record<string, unknown>[]): Promise<void> => {
    for (let i = 0; i < docs.length; i += batchSize)
      await target.insertMany(docs.slice(i, i + batchSize), { lean: true, ordered: false });
  };

  const userIds = Array.from({ length: size.users }, () => new Types.ObjectId());
  const users = userIds.map((_id, i) => ({
    _id,
    username: `dancer_${i}`,
    email: `dancer_${i}@example.test`,
    name: `Dancer ${i}`,
    bio: 'Seeded for the benchmark',
    password: passwordHash,
    profileImage: `https://ui-avatars.com/api/?name=Dancer+${i}`,
    profileImageKey: null,
    isVerified: true,
    lastRegisteredAt: at(i),
    verification: null,
    passwordReset: null,
    emailChange: null,
    createdAt: at(i),
    updatedAt: at(i),
  }));

  const videoIds = Array.from({ length: size.videos }, () => new Types.ObjectId());
  const videos = videoIds.map((_id, i) => ({
    _id,
    // Dancer 0 owns every 20th video: the channel profile and the dashboard measured.
    owner: i % 20 === 0 ? userIds[0] : pick(userIds, (i * 7919) % size.users),
    title: `Choreography #${i}`,
    description: `A seeded dance video number ${i}`,
    duration: 30 + (i % 240),
    views: (i * 37) % 5000,
    isPublished: i % 10 !== 9,
    videoFile: { url: `${mediaBaseUrl}/media/videos/seed-${i}.mp4`, key: `videos/seed-${i}.mp4` },
    thumbnail: {
      url: `${mediaBaseUrl}/media/thumbnails/seed-${i}.jpg`,
      key: `thumbnails/seed-${i}.jpg`,
    },
    createdAt: at(i),
    updatedAt: at(i),
  }));

  // Likes: the hot video (video 0) gets HOT_LIKES × scale, the rest spread over unique
  // (user, video) pairs.
  const hotLikes = Math.min(size.users, Math.round(HOT_LIKES * scale));
  const likeKeys = new Set<string>();
  const likes: Record<string, unknown>[] = [];
  for (let n = 0; likes.length < size.likes && n < size.likes * 4; n += 1) {
    const u = n < hotLikes ? n % size.users : (n * 7919 + (n >> 5)) % size.users;
    const v = n < hotLikes ? 0 : 1 + ((n * 104729) % (size.videos - 1));
    const key = `${u}:${v}`;
    if (likeKeys.has(key)) continue;
    likeKeys.add(key);
    likes.push({
      targetType: 'video',
      target: videoIds[v],
      likedBy: userIds[u],
      createdAt: at(n),
      updatedAt: at(n),
    });
  }

  const hotComments = Math.round(HOT_COMMENTS * scale);
  const comments = Array.from({ length: size.comments }, (_, n) => ({
    content: `Great moves! (${n})`,
    video: n < hotComments ? videoIds[0] : pick(videoIds, (n * 7919) % size.videos),
    owner: pick(userIds, n),
    createdAt: at(n),
    updatedAt: at(n),
  }));

  const followKeys = new Set<string>();
  const follows: Record<string, unknown>[] = [];
  for (let n = 0; follows.length < size.follows && n < size.follows * 4; n += 1) {
    const a = n % size.users;
    // Everyone follows dancer 0, then each round r follows the user r * 13 further on.
    const round = Math.floor(n / size.users);
    const b = round === 0 ? 0 : (a + round * 13) % size.users;
    const key = `${a}:${b}`;
    if (a === b || followKeys.has(key)) continue;
    followKeys.add(key);
    follows.push({
      follower: userIds[a],
      following: userIds[b],
      createdAt: at(n),
      updatedAt: at(n),
    });
  }

  // One collection after the other: inserting the five side by side was no faster here (the
  // engine, not the driver, is the bottleneck: 5× took 9-12 s either way).
  await insert(model<User>(User.name), users);
  await insert(model<Video>(Video.name), videos);
  await insert(model<Like>(Like.name), likes);
  await insert(model<Comment>(Comment.name), comments);
  await insert(model<Follow>(Follow.name), follows);

  return {
    data: {
      users: users.length,
      videos: videos.length,
      likes: likes.length,
      comments: comments.length,
      follows: follows.length,
    },
    hotVideoId: videoIds[0].toHexString(),
    toggleVideoId: videoIds[1].toHexString(),
    replayVideoId: videoIds[2].toHexString(),
    creatorId: userIds[0].toHexString(),
    creatorUsername: 'dancer_0',
    userIds: userIds.map((id) => id.toHexString()),
    published: videos
      .filter((video) => video.isPublished)
      .map((video) => ({
        videoId: video._id.toHexString(),
        ownerId: video.owner.toHexString(),
        createdAt: video.createdAt,
      })),
    seconds: (performance.now() - started) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------
// maintained counters (issue 13)

const RECONCILE_FILE = 'counters-reconcile.service.ts';
const PLANNED_PATH = join('src', 'features', 'counters', RECONCILE_FILE);

export interface Reconciled {
  /** Where the service was found, relative to the project root. */
  source: string;
  seconds: number;
  /** What reconcileAll() returned (its report of corrections), if anything. */
  result: unknown;
}

function findReconcileSource(): string | null {
  if (existsSync(join(root, PLANNED_PATH))) return join(root, PLANNED_PATH);
  // Not at the planned path: look for the file anywhere under src/.
  const walk = (dir: string): string | null => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        const found = walk(path);
        if (found) return found;
      } else if (entry.name === RECONCILE_FILE) return path;
    }
    return null;
  };
  return walk(join(root, 'src'));
}

/**
 * Bulk-seeded rows carry no maintained counters. When the app has a CountersReconcileService
 * (issue 13), its reconcileAll() computes them once, through instance B. Resolved at run time,
 * so the bench also runs on code that has no counters yet (then: null).
 */
export async function reconcileCounters(app: NestExpressApplication): Promise<Reconciled | null> {
  const file = findReconcileSource();
  if (!file) return null;
  const source = relative(root, file);
  // The same module id AppModule imports it by (the src/* alias), so the class is the same one
  // Nest registered.
  const specifier = source.replace(/\\/g, '/').replace(/\.ts$/, '');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = (require(specifier) as Record<string, unknown>).CountersReconcileService;
  if (typeof exported !== 'function')
    throw new Error(`${source} does not export a CountersReconcileService class`);
  type Reconciler = { reconcileAll?: () => Promise<unknown> };
  let service: Reconciler;
  try {
    service = app.get<Reconciler>(exported, { strict: false });
  } catch (error) {
    throw new Error(
      `${source} exists but AppModule does not provide CountersReconcileService: ${String(error)}`,
    );
  }
  if (typeof service.reconcileAll !== 'function')
    throw new Error('CountersReconcileService has no reconcileAll() method');
  log(`reconciling counters with ${source}`);
  const started = performance.now();
  const result = await service.reconcileAll();
  return { source, seconds: (performance.now() - started) / 1000, result: result ?? null };
}
