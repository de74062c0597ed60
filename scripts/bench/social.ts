/**
 * Seeding for the rows of issues 14 and 15 (feed, notifications, sessions) and for the fan-out
 * measurement, through instance B's own models and services. Each is only run when a row that
 * reads it is selected, so the older rows measure the same data as before.
 */
import { getModelToken } from '@nestjs/mongoose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Types, type Model } from 'mongoose';
import { BACKFILL_VIDEOS } from 'src/features/feed/feed-jobs.service';
import { Follow } from 'src/modules/follows/schemas/follow.schema';
import {
  NOTIFICATION_ACTOR_SAMPLE,
  type NotificationType,
  type SubjectKind,
} from 'src/modules/notifications/notification-types.constant';
import { NotificationActor } from 'src/modules/notifications/schemas/notification-actor.schema';
import { Notification } from 'src/modules/notifications/schemas/notification.schema';
import { TimelineEntry } from 'src/modules/timelines/schemas/timeline-entry.schema';
import { TimelinesService } from 'src/modules/timelines/timelines.service';
import { PasswordHasherService } from 'src/modules/users/password-hasher.service';
import { User } from 'src/modules/users/schemas/user.schema';
import { Video } from 'src/modules/videos/schemas/video.schema';
import type { PublishedVideo, Seeded } from 'scripts/bench/seed';

/** At 1×: creators the bench user follows (dancer 1 to N), and dancer 0's notification groups. */
const FEED_FOLLOWS = 100;
const NOTIFICATIONS = 200;
/** At 1×: followers of the creator who publishes during the fan-out measurement. */
export const FAN_OUT_FOLLOWERS = 1000;
/** Entries per backfill write: one bulk insert each, as a follow's backfill job makes. */
const BACKFILL_CHUNK = 1000;

function modelOf<T>(app: NestExpressApplication, name: string): Model<T> {
  return app.get<Model<T>>(getModelToken(name));
}

async function insertAll<T>(
  target: Model<T>,
  docs: Record<string, unknown>[],
  batchSize: number,
): Promise<void> {
  for (let i = 0; i < docs.length; i += batchSize)
    await target.insertMany(docs.slice(i, i + batchSize), { lean: true, ordered: false });
}

// ---------------------------------------------------------------------------------------------
// the following feed

export interface ViewerFeed {
  follows: number;
  /** Entries the backfill writes inserted. */
  written: number;
  /** Entries in the timeline after the writes (the service trims it to its bound). */
  entries: number;
}

/**
 * The bench user follows dancers 1…N (N = FEED_FOLLOWS × scale; never dancer 0, whom the
 * follow toggle flips) and gets what a follow's backfill job writes for each: that creator's
 * newest BACKFILL_VIDEOS published videos, through TimelinesService (so the timeline's size
 * and trim are the real ones). The creators' videos are known from the seed, which saves the
 * backfill's N catalogue queries; the rows written are the same.
 */
export async function seedViewerFeed(
  app: NestExpressApplication,
  viewerId: string,
  seeded: Seeded,
  scale: number,
  batchSize: number,
): Promise<ViewerFeed> {
  const creators = seeded.userIds.slice(
    1,
    1 + Math.min(seeded.userIds.length - 1, Math.round(FEED_FOLLOWS * scale)),
  );
  const now = Date.now();
  await insertAll(
    modelOf<Follow>(app, Follow.name),
    creators.map((creator, i) => ({
      follower: new Types.ObjectId(viewerId),
      following: new Types.ObjectId(creator),
      createdAt: new Date(now - i * 1000),
      updatedAt: new Date(now - i * 1000),
    })),
    batchSize,
  );
  const byOwner = new Map<string, PublishedVideo[]>();
  for (const video of seeded.published)
    byOwner.set(video.ownerId, [...(byOwner.get(video.ownerId) ?? []), video]);
  // published is oldest first: each creator's newest are at the end.
  const entries = creators.flatMap((creator) =>
    (byOwner.get(creator) ?? []).slice(-BACKFILL_VIDEOS),
  );
  const timelines = app.get(TimelinesService);
  let written = 0;
  for (let i = 0; i < entries.length; i += BACKFILL_CHUNK)
    written += await timelines.addToTimeline(viewerId, entries.slice(i, i + BACKFILL_CHUNK));
  const page = await timelines.page(viewerId, null, 12);
  if (page.items.length < 12)
    throw new Error(`the bench user's feed holds ${page.items.length} entries, not a full page`);
  const kept = await modelOf<TimelineEntry>(app, TimelineEntry.name)
    .countDocuments({ user: new Types.ObjectId(viewerId) })
    .exec();
  return { follows: creators.length, written, entries: kept };
}

// ---------------------------------------------------------------------------------------------
// notifications

interface Group {
  type: NotificationType;
  subjectKind: SubjectKind;
  subject: string;
  excerpt: string;
  refs: string[];
  actors: string[];
}

/** The i-th of dancer 0's groups: likes and comments grouped (several actors), follows, new videos. */
function groupOf(i: number, seeded: Seeded, ownVideos: PublishedVideo[]): Group {
  const users = seeded.userIds;
  const actorsFrom = (first: number, count: number): string[] =>
    Array.from({ length: count }, (_, k) => users[1 + ((first + k) % (users.length - 1))]);
  const own = ownVideos[i % ownVideos.length];
  switch (i % 4) {
    case 0:
      // up to 25 likers: more than the display sample, so actorCount and the sample differ
      return {
        type: 'video_like',
        subjectKind: 'video',
        subject: own.videoId,
        excerpt: `Choreography on ${own.videoId.slice(-4)}`,
        refs: [],
        actors: actorsFrom(i, 1 + (i % 25)),
      };
    case 1:
      return {
        type: 'video_comment',
        subjectKind: 'video',
        subject: own.videoId,
        excerpt: `Choreography on ${own.videoId.slice(-4)}`,
        refs: [],
        actors: actorsFrom(i * 3, 1 + (i % 6)),
      };
    case 2: {
      const [follower] = actorsFrom(i, 1);
      return {
        type: 'follow',
        subjectKind: 'user',
        subject: follower,
        excerpt: 'dancer',
        refs: [seeded.creatorId],
        actors: [follower],
      };
    }
    default: {
      const other = seeded.published[(i * 7) % seeded.published.length];
      return {
        type: 'new_video',
        subjectKind: 'video',
        subject: other.videoId,
        excerpt: 'A new choreography',
        refs: [],
        actors: [other.ownerId],
      };
    }
  }
}

export interface CreatorNotifications {
  groups: number;
  actorRows: number;
  unread: number;
}

/**
 * Dancer 0's notifications: NOTIFICATIONS × scale groups, a quarter each of grouped video likes
 * (1–25 actors), grouped video comments (1–6), follows and new videos, every third one read,
 * with one `notificationactors` row per distinct actor as the store keeps them. Times are
 * relative to now: the groups' TTL index would drop dates older than the retention.
 */
export async function seedCreatorNotifications(
  app: NestExpressApplication,
  seeded: Seeded,
  scale: number,
  batchSize: number,
): Promise<CreatorNotifications> {
  const recipient = new Types.ObjectId(seeded.creatorId);
  const ownVideos = seeded.published.filter((video) => video.ownerId === seeded.creatorId);
  const now = Date.now();
  const groups: Record<string, unknown>[] = [];
  const actorRows: Record<string, unknown>[] = [];
  let unread = 0;
  for (let i = 0; i < Math.round(NOTIFICATIONS * scale); i += 1) {
    const group = groupOf(i, seeded, ownVideos);
    const _id = new Types.ObjectId();
    // Each group its own window (the unique recipient/type/subject/window), newest first.
    const windowStart = new Date(now - (i + 1) * 600_000);
    const activityAt = new Date(windowStart.getTime() + 60_000);
    const subject = new Types.ObjectId(group.subject);
    const refs = [...new Set([group.subject, ...group.refs])].map((id) => new Types.ObjectId(id));
    const read = i % 3 === 0;
    if (!read) unread += 1;
    groups.push({
      _id,
      recipient,
      type: group.type,
      subjectKind: group.subjectKind,
      subject,
      excerpt: group.excerpt,
      refs,
      windowStart,
      actors: group.actors.slice(-NOTIFICATION_ACTOR_SAMPLE).map((id) => new Types.ObjectId(id)),
      actorCount: group.actors.length,
      read,
      activityAt,
      createdAt: windowStart,
      updatedAt: activityAt,
    });
    for (const actor of group.actors)
      actorRows.push({
        notification: _id,
        actor: new Types.ObjectId(actor),
        recipient,
        type: group.type,
        subject,
        refs,
        at: activityAt,
      });
  }
  await insertAll(modelOf<Notification>(app, Notification.name), groups, batchSize);
  await insertAll(modelOf<NotificationActor>(app, NotificationActor.name), actorRows, batchSize);
  return { groups: groups.length, actorRows: actorRows.length, unread };
}

// ---------------------------------------------------------------------------------------------
// the fan-out audience

export interface FanOutAudience {
  creatorId: string;
  creatorUsername: string;
  /** An unpublished video of the creator: publishing it is the measured fan-out. */
  videoId: string;
  followers: number;
  /** The newest follower: the last one the fan-out's walk (oldest follow first) reaches. */
  lastFollowerUsername: string;
}

/**
 * A creator with FAN_OUT_FOLLOWERS × scale followers, all new users (so no other row's data
 * changes), and one unpublished video. Seeded after the measured rows, for the same reason.
 */
export async function seedFanOutAudience(
  app: NestExpressApplication,
  mediaBaseUrl: string,
  scale: number,
  password: string,
  batchSize: number,
): Promise<FanOutAudience> {
  const passwordHash = await app.get(PasswordHasherService).hash(password);
  const followers = Math.round(FAN_OUT_FOLLOWERS * scale);
  const now = Date.now();
  const user = (_id: Types.ObjectId, username: string, at: Date): Record<string, unknown> => ({
    _id,
    username,
    email: `${username}@example.test`,
    name: username,
    bio: 'Seeded for the fan-out measurement',
    password: passwordHash,
    profileImage: `https://ui-avatars.com/api/?name=${username}`,
    profileImageKey: null,
    isVerified: true,
    lastRegisteredAt: at,
    verification: null,
    passwordReset: null,
    emailChange: null,
    createdAt: at,
    updatedAt: at,
  });
  const creatorId = new Types.ObjectId();
  const fanIds = Array.from({ length: followers }, () => new Types.ObjectId());
  await insertAll(
    modelOf<User>(app, User.name),
    [
      user(creatorId, 'fanout_creator', new Date(now)),
      ...fanIds.map((id, i) => user(id, `fan_${i}`, new Date(now))),
    ],
    batchSize,
  );
  await insertAll(
    modelOf<Follow>(app, Follow.name),
    fanIds.map((id, i) => ({
      follower: id,
      following: creatorId,
      // fan_0 follows first, the last fan last: the walk reaches it in the last batch
      createdAt: new Date(now - (followers - i) * 1000),
      updatedAt: new Date(now - (followers - i) * 1000),
    })),
    batchSize,
  );
  const videoId = new Types.ObjectId();
  await modelOf<Video>(app, Video.name).insertMany(
    [
      {
        _id: videoId,
        owner: creatorId,
        title: 'Fan-out premiere',
        description: 'Published during the bench',
        duration: 60,
        views: 0,
        isPublished: false,
        videoFile: { url: `${mediaBaseUrl}/media/videos/fanout.mp4`, key: 'videos/fanout.mp4' },
        thumbnail: {
          url: `${mediaBaseUrl}/media/thumbnails/fanout.jpg`,
          key: 'thumbnails/fanout.jpg',
        },
        createdAt: new Date(now),
        updatedAt: new Date(now),
      },
    ],
    { lean: true },
  );
  return {
    creatorId: creatorId.toHexString(),
    creatorUsername: 'fanout_creator',
    videoId: videoId.toHexString(),
    followers,
    lastFollowerUsername: `fan_${followers - 1}`,
  };
}
