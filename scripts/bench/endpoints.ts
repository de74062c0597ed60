/** The measured endpoints, each with a short key for `--endpoints` and the JSON. */
import type { Seeded } from 'scripts/bench/seed';

/** Whose access token a request carries: the signed-up bench user, or dancer 0 (a creator). */
export type AuthAs = 'viewer' | 'creator';

export interface Endpoint {
  key: string;
  label: string;
  path: string;
  method?: 'GET' | 'POST';
  auth?: AuthAs;
  body?: string;
  /** Each request flips a relation (on, off, on…): DB commands are counted for both ways. */
  toggle?: boolean;
  /**
   * Sent with `If-None-Match` set to the ETag of a first fetch: the revalidation a client or CDN
   * makes, answered 304 without a body (counted under "other", not 2xx).
   */
  revalidate?: boolean;
  /**
   * Sent with this `Idempotency-Key`: the first request creates, every later one (the measured
   * ones) is a replay, checked by its `Idempotent-Replayed: true` before the run.
   */
  idempotencyKey?: string;
  /** A 1 s warm-up before the measured run (not for the login burst). */
  warmUp: boolean;
}

export const ENDPOINT_KEYS = [
  'health',
  'video-list',
  'watch-anon',
  'watch-signed-in',
  'watch-anon-304',
  'comments',
  'profile',
  'dashboard',
  'feed',
  'notifications',
  'unread-count',
  'sessions',
  'like-toggle',
  'follow-toggle',
  'idempotent-replay',
  'login',
] as const;

/** A fixed key: the bench user's comment on the replay video is created once per scale. */
export const REPLAY_KEY = 'bench-replay-0001';

export function endpointsFor(seeded: Seeded, loginBody: string): Endpoint[] {
  const all: Endpoint[] = [
    { key: 'health', label: 'GET /health/live', path: '/health/live', warmUp: true },
    {
      key: 'video-list',
      label: 'GET /api/v1/video?limit=12',
      path: '/api/v1/video?limit=12',
      warmUp: true,
    },
    {
      key: 'watch-anon',
      label: 'GET /api/v1/video/:id (anon)',
      path: `/api/v1/video/${seeded.hotVideoId}`,
      warmUp: true,
    },
    {
      key: 'watch-signed-in',
      label: 'GET /api/v1/video/:id (signed in)',
      path: `/api/v1/video/${seeded.hotVideoId}`,
      auth: 'viewer',
      warmUp: true,
    },
    {
      key: 'watch-anon-304',
      label: 'GET /api/v1/video/:id (anon, 304)',
      path: `/api/v1/video/${seeded.hotVideoId}`,
      revalidate: true,
      warmUp: true,
    },
    {
      key: 'comments',
      label: 'GET comments page (video)',
      path: `/api/v1/comment/video-comments/${seeded.hotVideoId}`,
      warmUp: true,
    },
    {
      key: 'profile',
      label: 'GET /api/v1/user/:username',
      path: `/api/v1/user/${seeded.creatorUsername}`,
      warmUp: true,
    },
    {
      key: 'dashboard',
      label: 'GET /api/v1/dashboard/stats',
      path: '/api/v1/dashboard/stats',
      auth: 'creator',
      warmUp: true,
    },
    {
      // The bench user's following feed: its timeline is seeded full (seedViewerFeed), and it
      // follows FEED_FOLLOWS × scale creators, so the rows across scales show whether the cost
      // depends on how many creators a user follows.
      key: 'feed',
      label: 'GET /api/v1/feed/videos?limit=12',
      path: '/api/v1/feed/videos?limit=12',
      auth: 'viewer',
      warmUp: true,
    },
    {
      key: 'notifications',
      label: 'GET /api/v1/notifications?limit=20',
      path: '/api/v1/notifications?limit=20',
      auth: 'creator',
      warmUp: true,
    },
    {
      key: 'unread-count',
      label: 'GET notifications unread-count',
      path: '/api/v1/notifications/unread-count',
      auth: 'creator',
      warmUp: true,
    },
    {
      key: 'sessions',
      label: 'GET /api/v1/auth/sessions',
      path: '/api/v1/auth/sessions',
      auth: 'viewer',
      warmUp: true,
    },
    {
      key: 'like-toggle',
      label: 'POST like toggle (video)',
      path: `/api/v1/like/toggle-video-like/${seeded.toggleVideoId}`,
      method: 'POST',
      auth: 'viewer',
      toggle: true,
      warmUp: true,
    },
    {
      key: 'follow-toggle',
      label: 'POST follow toggle (user)',
      path: `/api/v1/follower/toggle/${seeded.creatorId}`,
      method: 'POST',
      auth: 'viewer',
      toggle: true,
      warmUp: true,
    },
    {
      key: 'idempotent-replay',
      label: 'POST comment (idempotent replay)',
      path: `/api/v1/comment/video-comments/${seeded.replayVideoId}`,
      method: 'POST',
      auth: 'viewer',
      body: JSON.stringify({ content: 'Posted once, replayed for the benchmark' }),
      idempotencyKey: REPLAY_KEY,
      warmUp: true,
    },
    {
      key: 'login',
      label: 'POST /auth/login (burst)',
      path: '/api/v1/auth/login',
      method: 'POST',
      body: loginBody,
      warmUp: false,
    },
  ];
  return all;
}
