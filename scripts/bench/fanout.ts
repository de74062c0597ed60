/**
 * The fan-out measurement (issue 14): a creator with FAN_OUT_FOLLOWERS × scale followers
 * publishes a video through the real route on instance A (`PATCH /video/publish-status/:id`),
 * and the bench times how long after the answer every follower's timeline holds the video and
 * every follower has its `new_video` notification. Both are written by A's background jobs
 * (fan-out on write, in batches), so the answer comes first and the writes after it.
 *
 * Completion is read from the database through instance B's models (one count of each
 * collection every POLL_MS), not from A: that is what a follower's next feed page would see.
 */
import { getModelToken } from '@nestjs/mongoose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Types, type Model } from 'mongoose';
import { performance } from 'node:perf_hooks';
import { Notification } from 'src/modules/notifications/schemas/notification.schema';
import { TimelineEntry } from 'src/modules/timelines/schemas/timeline-entry.schema';
import { cpuMs, settle, sleep } from 'scripts/bench/processes';
import type { FanOutAudience } from 'scripts/bench/social';

const POLL_MS = 100;
/** Long enough for 10× on a busy 2-core machine; past it the result says how far it got. */
const DEADLINE_MS = 300_000;

export interface FanOutResult {
  followers: number;
  /** Latency of the publish request itself. */
  publishAnswerMs: number;
  /** From the publish answer until every follower's timeline held the video (null: not within the deadline). */
  timelinesMs: number | null;
  /** From the publish answer until every follower had the `new_video` notification. */
  notificationsMs: number | null;
  /** What was there at the end (equal to followers when complete). */
  timelineEntries: number;
  notifications: number;
  /** The unread count the last follower reached got from `GET /notifications/unread-count` afterwards. */
  lastFollowerUnread: number | null;
  /** CPU of A and of the engine from the publish until both were idle again. */
  nodeCpuMs: number;
  engineCpuMs: number;
  /** `dancely_jobs_total` of the feed and notifications queues on A afterwards (null: no /metrics). */
  jobs: Record<string, number> | null;
}

export interface FanOutContext {
  app: NestExpressApplication;
  /** `http://127.0.0.1:port` of instance A. */
  serviceBase: string;
  audience: FanOutAudience;
  /** Access tokens on A: the publishing creator's and the last follower's. */
  creatorToken: string;
  lastFollowerToken: string;
  servicePid: number;
  enginePid: number;
}

async function publish(ctx: FanOutContext): Promise<void> {
  const res = await fetch(
    `${ctx.serviceBase}/api/v1/video/publish-status/${ctx.audience.videoId}`,
    {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${ctx.creatorToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ isPublished: true }),
    },
  );
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`the fan-out publish answered ${res.status}`);
}

/** The unread count of the last follower, through the API (it is also what its stream would announce). */
async function unreadOf(ctx: FanOutContext): Promise<number | null> {
  const res = await fetch(`${ctx.serviceBase}/api/v1/notifications/unread-count`, {
    headers: { authorization: `Bearer ${ctx.lastFollowerToken}` },
  });
  if (res.status !== 200) return null;
  const body = (await res.json()) as { data?: { count?: number } };
  return body.data?.count ?? null;
}

/** The job counters of the two queues the publish feeds, from A's Prometheus text. */
async function jobCounters(serviceBase: string): Promise<Record<string, number> | null> {
  try {
    const res = await fetch(`${serviceBase}/metrics`);
    if (res.status !== 200) return null;
    const counters: Record<string, number> = {};
    for (const line of (await res.text()).split('\n')) {
      const match = /^dancely_jobs_total\{(.*)\} (\S+)$/.exec(line);
      if (!match) continue;
      const labels = Object.fromEntries(
        [...match[1].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
      );
      if (labels.queue === 'feed' || labels.queue === 'notifications')
        counters[`${labels.queue}.${labels.outcome}`] = Number(match[2]);
    }
    return counters;
  } catch {
    return null;
  }
}

export async function measureFanOut(ctx: FanOutContext): Promise<FanOutResult> {
  const model = <T>(name: string): Model<T> => ctx.app.get<Model<T>>(getModelToken(name));
  const entries = model<TimelineEntry>(TimelineEntry.name);
  const notifications = model<Notification>(Notification.name);
  const video = new Types.ObjectId(ctx.audience.videoId);
  const { followers } = ctx.audience;
  const pids = [ctx.servicePid, ctx.enginePid];

  await settle(pids);
  const before = pids.map(cpuMs);
  const sent = performance.now();
  await publish(ctx);
  const answered = performance.now();

  let timelinesMs: number | null = null;
  let notificationsMs: number | null = null;
  let timelineEntries = 0;
  let notified = 0;
  while (performance.now() - answered < DEADLINE_MS) {
    [timelineEntries, notified] = await Promise.all([
      timelinesMs === null ? entries.countDocuments({ video }).exec() : timelineEntries,
      notificationsMs === null
        ? notifications.countDocuments({ subject: video, type: 'new_video' }).exec()
        : notified,
    ]);
    const now = performance.now() - answered;
    if (timelinesMs === null && timelineEntries >= followers) timelinesMs = now;
    if (notificationsMs === null && notified >= followers) notificationsMs = now;
    if (timelinesMs !== null && notificationsMs !== null) break;
    await sleep(POLL_MS);
  }
  await settle(pids);
  const after = pids.map(cpuMs);
  return {
    followers,
    publishAnswerMs: answered - sent,
    timelinesMs,
    notificationsMs,
    timelineEntries,
    notifications: notified,
    lastFollowerUnread: await unreadOf(ctx),
    nodeCpuMs: after[0] - before[0],
    engineCpuMs: after[1] - before[1],
    jobs: await jobCounters(ctx.serviceBase),
  };
}
