import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { Types } from 'mongoose';
import request from 'supertest';
import { DomainEvents } from 'src/common/events/domain-events';
import { CountersReconcileService } from 'src/features/counters/counters-reconcile.service';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import { ResumableUploadsService } from 'src/modules/resumable-uploads/resumable-uploads.service';
import { CHANNEL_COUNTER_FIELDS } from 'src/modules/users/schemas/user.schema';
import { VideoProcessingService } from 'src/modules/videos/video-processing.service';
import { VideosRepository } from 'src/modules/videos/videos.repository';
import { cookieValue, RELAXED_LIMITS } from 'test/auth/helpers';
import { insertComment } from 'test/factories/comments.factory';
import { insertFollow } from 'test/factories/follows.factory';
import { insertPlaylist } from 'test/factories/playlists.factory';
import { insertPost } from 'test/factories/posts.factory';
import {
  createPendingUser,
  createVerifiedUser,
  DEFAULT_TEST_PASSWORD,
  type TestUser,
} from 'test/factories/users.factory';
import { insertVideo, uploadVideo } from 'test/factories/videos.factory';
import { FakeResendServer } from 'test/fakes/fake-resend.server';
import { tinyPng } from 'test/fixtures/media.fixture';
import {
  type Allowance,
  audit,
  type DeclaredIndex,
  declaredIndexes,
  indexLabel,
  judge,
  shapesTable,
} from 'test/utils/index-audit';
import {
  type QueryShape,
  readSuiteShapes,
  recordQueryShapes,
  shapeKey,
  shapesOf,
  type ShapeRecorder,
} from 'test/utils/query-shapes';
import { listeningPort } from 'test/utils/raw-http';
import { patchUpload } from 'test/uploads/tus-test.util';
import { routeTable } from 'test/utils/route-table';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * Issue 13, index audit: MongoDB's `notablescan`, emulated, and held to the ESR rule (the rule is
 * at the top of test/utils/index-audit.ts and in docs/performance.md).
 *
 * The embedded engine accepts non-unique indexes but never uses them, so nothing would notice a
 * query no index serves until production. This spec records the query shape of every command the
 * app sends while serving requests: those of its own walk over every route of the route table
 * (with real data, signed in and anonymous, every sort order, searches, cascades), plus those every
 * other e2e spec of the same run recorded (test/utils/test-app.ts saves them; the sequencer runs
 * this file last). Each shape must be served by a declared index, or its problem be excused by
 * ALLOWED below with the reason; every non-unique index must be needed by some shape of the walk;
 * and docs/performance.md must list the walk's shapes with their indexes.
 */

/**
 * Problems excused on purpose. Each names the collection, the problem exactly as the audit words
 * it, and why it stays. An entry that excuses nothing fails the audit (it is stale).
 */
const ALLOWED: Allowance[] = [
  {
    collection: 'users',
    problem: 'unanchored or case-insensitive regex on username',
    reason:
      'GET /user/search: a literal, case-insensitive substring. No index bounds a substring, and $text (absent from the embedded engine) matches words, not substrings. {isVerified, username, _id} gives the equality and the order, so a page stops after skip+limit matches; a rare text still reads every verified user. At scale: a search index (n-grams or Atlas Search).',
  },
  {
    collection: 'users',
    problem: 'unanchored or case-insensitive regex on name',
    reason: 'GET /user/search, as for username: the same $or tests both fields.',
  },
  {
    collection: 'videos',
    problem: 'unanchored or case-insensitive regex on title',
    reason:
      "GET /video with `query`: a literal, case-insensitive substring of the title or description. The {isPublished, <sort>, _id} indexes give the equality and the order and the regex filters within; the page's total (countDocuments) reads every published video (of the owner, with userId) on each search. At scale: a search index.",
  },
  {
    collection: 'videos',
    problem: 'unanchored or case-insensitive regex on description',
    reason: 'GET /video with `query`, as for title: the same $or tests both fields.',
  },
  {
    collection: 'playlists',
    problem: 'unanchored or case-insensitive regex on name',
    reason:
      'GET /playlist/search: a literal, case-insensitive substring of the name. {isPublished, updatedAt, _id} gives the equality and the order; the search has no total, so a page stops after skip+limit matches. At scale: a search index.',
  },
];

const API = '/api/v1';
const DOCS = join(__dirname, '..', '..', 'docs', 'performance.md');
const REPORT_DIR = join(__dirname, '..', '..', 'var', 'index-audit');
const TABLE_START =
  '<!-- index-audit:start (generated by test/foundation/index-audit.e2e-spec.ts) -->';
const TABLE_END = '<!-- index-audit:end -->';

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const TUS = { 'Tus-Resumable': '1.0.0' };

/** One step of the walk: the route it drives (as the route table names it) and what it does. */
interface Step {
  route: string;
  run: () => Promise<void>;
}

let t: TestApp;
let recorder: ShapeRecorder;
/** The mail provider: the real Resend adapter against the local fake, so a delivery can fail. */
let mail: FakeResendServer;

/** The code in the newest email to `address` with this subject. */
function codeFor(address: string, subject: string): string {
  const last = mail
    .emailsTo(address)
    .filter((email) => email.subject === subject)
    .pop();
  const code = /\b(\d{6})\b/.exec(last?.text ?? '')?.[1];
  if (!code) throw new Error(`no "${subject}" code mailed to ${address}`);
  return code;
}

/** A 6-digit code that is not `code`. */
const wrongFor = (code: string): string => (code === '000000' ? '111111' : '000000');

/** Sends one request (with a user's bearer token, raw cookies, or anonymously) and checks its status. */
async function call(
  method: Method,
  path: string,
  status: number,
  options: {
    as?: TestUser | null;
    cookies?: string[];
    body?: object;
    attach?: [string, Buffer, string];
    headers?: Record<string, string>;
  } = {},
): Promise<Response> {
  const url = path.startsWith('/health') || path.startsWith('/media') ? path : `${API}${path}`;
  let req = request(t.app.getHttpServer())[method.toLowerCase() as Lowercase<Method>](url);
  if (options.as) req = req.set('Authorization', options.as.authHeader);
  if (options.cookies) req = req.set('Cookie', options.cookies);
  for (const [name, value] of Object.entries(options.headers ?? {})) req = req.set(name, value);
  const res = await (options.attach
    ? req.attach(...options.attach)
    : options.body
      ? req.send(options.body)
      : req);
  if (res.status !== status) {
    throw new Error(
      `${method} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`,
    );
  }
  return res;
}

const dataOf = <T>(res: Response): T => (res.body as { data: T }).data;

/** A plain-array list's first page of one, then its second by the `X-Next-Cursor` header. */
async function pageByHeader(path: string, as: TestUser | null = null): Promise<void> {
  const sep = path.includes('?') ? '&' : '?';
  const first = await call('GET', `${path}${sep}limit=1`, 200, { as });
  const cursor = first.headers['x-next-cursor'] as string | undefined;
  if (cursor === undefined) throw new Error(`${path}: a next page expected`);
  await call('GET', `${path}${sep}limit=1&cursor=${encodeURIComponent(cursor)}`, 200, { as });
}

/** A list's first page of one (as `as`), then its second by the first's cursor (anonymously). */
async function pageByCursor(path: string, as: TestUser | null = null): Promise<void> {
  const first = await call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=1`, 200, { as });
  const cursor = dataOf<{ nextCursor: string | null }>(first).nextCursor;
  if (cursor === null) throw new Error(`${path}: a next page expected`);
  await call(
    'GET',
    `${path}${path.includes('?') ? '&' : '?'}limit=1&cursor=${encodeURIComponent(cursor)}`,
    200,
    { as },
  );
}

describe('Index audit: every query shape is served by a declared index', () => {
  /** Before anything the walk does: a stream's replay from here resends all of it. */
  const walkStart = Date.now();
  let creator: TestUser;
  let fan: TestUser;
  /** The creator's stored videos: three published, one unpublished. */
  const stored: string[] = [];
  let unpublished: string;

  // What the walk creates as it goes.
  let uploaded: { _id: string; thumbnail: { url: string } };
  let newcomer: { email: string; username: string; password: string };
  let newcomerCookies: string[] = [];
  let videoComment: string;
  let post: string;
  let postComment: string;
  let publicPlaylist: string;
  let privatePlaylist: string;
  let tusUpload = '';

  const login = async (identifier: string, password: string): Promise<string[]> => {
    const res = await call('POST', '/auth/login', 200, { body: { identifier, password } });
    return [
      `accessToken=${cookieValue(res, 'accessToken') ?? ''}`,
      `refreshToken=${cookieValue(res, 'refreshToken') ?? ''}`,
    ];
  };

  /** The session id in a pair of auth cookies (the refresh token is `<sessionId>.<secret>`). */
  const sessionOf = (cookies: string[]): string =>
    (cookies.find((c) => c.startsWith('refreshToken=')) ?? '')
      .slice('refreshToken='.length)
      .split('.')[0];

  /** The walk, in order: reads before the writes that remove what they read. */
  const STEPS: Step[] = [
    { route: 'GET /health', run: async () => void (await call('GET', '/health', 200)) },
    { route: 'GET /health/ready', run: async () => void (await call('GET', '/health/ready', 200)) },

    // /auth
    {
      route: 'GET /auth/check-username',
      run: async () => {
        await call('GET', `/auth/check-username?username=${creator.username}`, 200);
        await call('GET', '/auth/check-username?username=nobody_here', 200);
      },
    },
    {
      route: 'POST /auth/register',
      run: async () => {
        const held = await createPendingUser(t);
        newcomer = {
          email: 'newcomer@example.test',
          username: 'newcomer_1',
          password: 'salsa night 42',
        };
        const body = { name: 'New Dancer', ...newcomer };
        // A new account whose code is not delivered (kept, its code discarded); the same email
        // again (the pending account is replaced in place); then a stale pending account's
        // username (PENDING_USERNAME_HOLD_HOURS=0) is taken over.
        mail.failNext();
        await call('POST', '/auth/register', 503, { body });
        await call('POST', '/auth/register', 201, { body });
        await call('POST', '/auth/register', 201, {
          body: { ...body, email: 'second@example.test', username: held.username },
        });
      },
    },
    {
      route: 'POST /auth/resend-verification',
      run: async () =>
        void (await call('POST', '/auth/resend-verification', 200, {
          body: { email: newcomer.email },
        })),
    },
    {
      route: 'POST /auth/verify-account',
      run: async () => {
        const code = codeFor(newcomer.email, 'Verify your email');
        const wrong = wrongFor(code);
        await call('POST', '/auth/verify-account', 400, {
          body: { email: newcomer.email, code: wrong },
        });
        await call('POST', '/auth/verify-account', 200, { body: { email: newcomer.email, code } });
      },
    },
    {
      route: 'POST /auth/login',
      run: async () => {
        await call('POST', '/auth/login', 401, {
          body: { identifier: newcomer.username, password: 'wrong password 1' },
        });
        // MAX_SESSIONS_PER_USER=2: the third login revokes the least recently used session.
        await login(newcomer.email, newcomer.password);
        await login(newcomer.username, newcomer.password);
        newcomerCookies = await login(newcomer.email, newcomer.password);
      },
    },
    {
      route: 'GET /auth/me',
      run: async () => void (await call('GET', '/auth/me', 200, { cookies: newcomerCookies })),
    },
    {
      route: 'GET /auth/sessions',
      run: async () => {
        // A last use over a minute ago: this request records a new one (the session touch).
        await t.connection
          .collection<{ _id: string }>('sessions')
          .updateOne(
            { _id: sessionOf(newcomerCookies) },
            { $set: { lastUsedAt: new Date(Date.now() - 120_000) } },
          );
        await call('GET', '/auth/sessions', 200, { cookies: newcomerCookies });
      },
    },
    {
      route: 'DELETE /auth/sessions/:sessionId',
      run: async () => {
        const other = sessionOf(await login(newcomer.email, newcomer.password));
        await call('DELETE', `/auth/sessions/${other}`, 200, { cookies: newcomerCookies });
        await call('DELETE', `/auth/sessions/${other}`, 404, { cookies: newcomerCookies });
      },
    },
    {
      route: 'DELETE /auth/sessions',
      run: async () => {
        await login(newcomer.email, newcomer.password);
        await call('DELETE', '/auth/sessions', 200, { cookies: newcomerCookies });
      },
    },
    {
      route: 'POST /auth/refresh-token',
      run: async () => {
        const res = await call('POST', '/auth/refresh-token', 200, { cookies: newcomerCookies });
        // REFRESH_REUSE_GRACE_SECONDS=0: presenting the rotated-away token again is reuse, which revokes the session.
        await call('POST', '/auth/refresh-token', 401, { cookies: newcomerCookies });
        expect(cookieValue(res, 'refreshToken')).toBeDefined();
        newcomerCookies = await login(newcomer.email, newcomer.password);
      },
    },
    {
      route: 'POST /auth/change-password',
      run: async () => {
        const newPassword = 'bachata night 7';
        await call('POST', '/auth/change-password', 200, {
          cookies: newcomerCookies,
          body: { oldPassword: newcomer.password, newPassword },
        });
        newcomer.password = newPassword;
      },
    },
    {
      route: 'POST /auth/logout',
      run: async () => void (await call('POST', '/auth/logout', 200, { cookies: newcomerCookies })),
    },
    {
      route: 'POST /auth/forgot-password',
      run: async () => {
        // The first code is not delivered (and discarded), the second is.
        mail.failNext();
        await call('POST', '/auth/forgot-password', 200, { body: { email: newcomer.email } });
        await call('POST', '/auth/forgot-password', 200, { body: { email: newcomer.email } });
      },
    },
    {
      route: 'POST /auth/reset-password',
      run: async () => {
        const code = codeFor(newcomer.email, 'Reset your password');
        const wrong = wrongFor(code);
        const body = { email: newcomer.email, newPassword: 'merengue night 9' };
        await call('POST', '/auth/reset-password', 400, { body: { ...body, code: wrong } });
        await call('POST', '/auth/reset-password', 200, { body: { ...body, code } });
      },
    },

    // /user
    {
      route: 'GET /user/search',
      run: async () => {
        await call('GET', '/user/search?query=user_', 200);
        await call('GET', '/user/search?query=user_&page=2&limit=1', 200, { as: fan });
        await pageByHeader('/user/search?query=user_');
      },
    },
    {
      route: 'PATCH /user/name',
      run: async () =>
        void (await call('PATCH', '/user/name', 200, { as: fan, body: { name: 'Fan Renamed' } })),
    },
    {
      route: 'PATCH /user/bio',
      run: async () =>
        void (await call('PATCH', '/user/bio', 200, { as: fan, body: { bio: 'Dances salsa' } })),
    },
    {
      route: 'PATCH /user/email',
      run: async () => {
        const body = { email: 'fan-new@example.test', password: DEFAULT_TEST_PASSWORD };
        // The first code is not delivered (and discarded), the second is.
        mail.failNext();
        await call('PATCH', '/user/email', 503, { as: fan, body });
        await call('PATCH', '/user/email', 200, { as: fan, body });
      },
    },
    {
      route: 'POST /user/email/verify',
      run: async () => {
        const code = codeFor('fan-new@example.test', 'Confirm your new email');
        const wrong = wrongFor(code);
        await call('POST', '/user/email/verify', 400, { as: fan, body: { code: wrong } });
        await call('POST', '/user/email/verify', 200, { as: fan, body: { code } });
      },
    },
    {
      route: 'PATCH /user/profileimage',
      run: async () => {
        // Twice: the second upload replaces (and deletes) the first.
        await call('PATCH', '/user/profileimage', 200, {
          as: fan,
          attach: ['profileImage', tinyPng(), 'me.png'],
        });
        await call('PATCH', '/user/profileimage', 200, {
          as: fan,
          attach: ['profileImage', tinyPng(), 'me.png'],
        });
      },
    },

    // /video
    {
      route: 'POST /video',
      run: async () => {
        uploaded = await uploadVideo(t, creator, { title: 'Uploaded salsa' });
      },
    },
    {
      route: 'GET /media/*path',
      run: async () => void (await call('GET', new URL(uploaded.thumbnail.url).pathname, 200)),
    },
    {
      route: 'HEAD /media/*path',
      run: async () => void (await call('HEAD', new URL(uploaded.thumbnail.url).pathname, 200)),
    },
    {
      route: 'GET /video',
      run: async () => {
        for (const sortBy of ['createdAt', 'views', 'duration', 'title']) {
          for (const sortOrder of ['asc', 'desc']) {
            const sort = `sortBy=${sortBy}&sortOrder=${sortOrder}`;
            const filters = [
              '',
              `&userId=${creator.id}`,
              '&query=salsa',
              `&query=salsa&userId=${creator.id}`,
            ];
            for (const filter of filters) {
              // A numbered page, then the next one by its cursor (the keyset shape).
              const first = await call('GET', `/video?${sort}${filter}&limit=1`, 200, { as: fan });
              const cursor = dataOf<{ nextCursor: string | null }>(first).nextCursor;
              if (cursor === null)
                throw new Error(`GET /video?${sort}${filter}: a cursor expected`);
              await call(
                'GET',
                `/video?${sort}${filter}&limit=1&cursor=${encodeURIComponent(cursor)}`,
                200,
              );
            }
          }
        }
        // An unknown owner has no catalogue.
        await call(
          'GET',
          `/video?userId=${fan.id.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))}`,
          200,
        );
      },
    },
    {
      route: 'GET /video/me',
      run: async () => {
        const first = await call('GET', '/video/me?limit=1', 200, { as: creator });
        const cursor = encodeURIComponent(dataOf<{ nextCursor: string }>(first).nextCursor);
        await call('GET', `/video/me?limit=1&cursor=${cursor}`, 200, { as: creator });
      },
    },
    {
      route: 'GET /video/:videoId',
      run: async () => {
        // Anonymous: a counted view, then a repeat inside the window; the owner sees an unpublished video.
        await call('GET', `/video/${uploaded._id}`, 200);
        await call('GET', `/video/${uploaded._id}`, 200);
        await call('GET', `/video/${unpublished}`, 200, { as: creator });
        // HISTORY_MAX_ENTRIES=2: the fan's third first watch trims the history; then a re-watch.
        for (const id of [...stored, uploaded._id])
          await call('GET', `/video/${id}`, 200, { as: fan });
        await call('GET', `/video/${uploaded._id}`, 200, { as: fan });
      },
    },
    {
      route: 'PATCH /video/:videoId',
      run: async () =>
        void (await call('PATCH', `/video/${uploaded._id}`, 200, {
          as: creator,
          body: { title: 'Uploaded salsa, edited' },
        })),
    },
    {
      route: 'PATCH /video/thumbnail/:videoId',
      run: async () =>
        void (await call('PATCH', `/video/thumbnail/${uploaded._id}`, 200, {
          as: creator,
          attach: ['thumbnail', tinyPng([10, 20, 30]), 'new.png'],
        })),
    },
    {
      route: 'POST /video/:videoId/processing/retry',
      run: async () => {
        // A failed run (set here: the audit's app has no transcoder), retried: ready, MP4 only.
        await t.connection
          .collection('videos')
          .updateOne(
            { _id: new Types.ObjectId(uploaded._id) },
            { $set: { 'processing.state': 'failed', 'processing.error': 'Processing failed' } },
          );
        await call('POST', `/video/${uploaded._id}/processing/retry`, 200, { as: creator });
      },
    },
    {
      route: 'PATCH /video/publish-status/:videoId',
      run: async () => {
        // A toggle (compare-and-set) each way, then one that loses its compare-and-set to another
        // toggle and reads the state again (the loss is simulated: a real race is not
        // deterministic), then an explicit value.
        await call('PATCH', `/video/publish-status/${uploaded._id}`, 200, { as: creator });
        await call('PATCH', `/video/publish-status/${uploaded._id}`, 200, { as: creator });
        const videos = t.app.get(VideosRepository, { strict: false });
        jest.spyOn(videos, 'compareAndSetPublished').mockResolvedValueOnce(null);
        await call('PATCH', `/video/publish-status/${uploaded._id}`, 200, { as: creator });
        await call('PATCH', `/video/publish-status/${uploaded._id}`, 200, { as: creator });
        await call('PATCH', `/video/publish-status/${uploaded._id}`, 200, {
          as: creator,
          body: { isPublished: true },
        });
      },
    },

    // /like, /comment, /communitypost
    {
      route: 'POST /like/toggle-video-like/:videoId',
      run: async () => {
        for (let i = 0; i < 3; i++)
          await call('POST', `/like/toggle-video-like/${uploaded._id}`, 200, { as: fan });
      },
    },
    {
      route: 'PUT /like/video/:videoId',
      run: async () => {
        // A like that exists already (the toggles left one), then after a DELETE a new one.
        await call('PUT', `/like/video/${uploaded._id}`, 200, { as: fan });
        await call('DELETE', `/like/video/${uploaded._id}`, 200, { as: fan });
        await call('PUT', `/like/video/${uploaded._id}`, 200, { as: fan });
      },
    },
    {
      route: 'DELETE /like/video/:videoId',
      run: async () => {
        // A like removed, then none to remove; the fan likes it again for the lists below.
        await call('DELETE', `/like/video/${uploaded._id}`, 200, { as: fan });
        await call('DELETE', `/like/video/${uploaded._id}`, 200, { as: fan });
        await call('PUT', `/like/video/${uploaded._id}`, 200, { as: fan });
      },
    },
    {
      route: 'POST /comment/video-comments/:videoId',
      run: async () => {
        const res = await call('POST', `/comment/video-comments/${uploaded._id}`, 201, {
          as: fan,
          body: { content: 'Nice turns' },
        });
        videoComment = dataOf<{ _id: string }>(res)._id;
      },
    },
    {
      route: 'GET /comment/video-comments/:videoId',
      run: async () => {
        // A second comment, so a page of one has a next page to continue by cursor.
        await insertComment(t, fan.id, { video: uploaded._id });
        for (const sortOrder of ['asc', 'desc']) {
          await call('GET', `/comment/video-comments/${uploaded._id}?sortOrder=${sortOrder}`, 200);
          const first = await call(
            'GET',
            `/comment/video-comments/${uploaded._id}?sortOrder=${sortOrder}&limit=1`,
            200,
            { as: fan },
          );
          const cursor = encodeURIComponent(dataOf<{ nextCursor: string }>(first).nextCursor);
          await call(
            'GET',
            `/comment/video-comments/${uploaded._id}?sortOrder=${sortOrder}&limit=1&cursor=${cursor}`,
            200,
          );
        }
      },
    },
    {
      route: 'POST /like/toggle-comment-like/:commentId',
      run: async () =>
        void (await call('POST', `/like/toggle-comment-like/${videoComment}`, 200, {
          as: creator,
        })),
    },
    {
      route: 'PUT /like/comment/:commentId',
      run: async () => {
        await call('PUT', `/like/comment/${videoComment}`, 200, { as: fan });
        await call('PUT', `/like/comment/${videoComment}`, 200, { as: fan });
      },
    },
    {
      route: 'DELETE /like/comment/:commentId',
      run: async () => {
        await call('DELETE', `/like/comment/${videoComment}`, 200, { as: fan });
        await call('DELETE', `/like/comment/${videoComment}`, 200, { as: fan });
      },
    },
    {
      route: 'PATCH /comment/:commentId',
      run: async () =>
        void (await call('PATCH', `/comment/${videoComment}`, 200, {
          as: fan,
          body: { content: 'Nice turns!' },
        })),
    },
    {
      route: 'POST /comment/:commentId/replies',
      run: async () => {
        const res = await call('POST', `/comment/${videoComment}/replies`, 201, {
          as: creator,
          body: { content: 'Thank you' },
        });
        // A reply to the reply: it joins the same thread and names the user it answers.
        await call('POST', `/comment/${dataOf<{ _id: string }>(res)._id}/replies`, 201, {
          as: fan,
          body: { content: 'Any time' },
        });
      },
    },
    {
      route: 'GET /comment/:commentId/replies',
      run: async () => {
        const first = await call('GET', `/comment/${videoComment}/replies?limit=1`, 200);
        const { nextCursor } = dataOf<{ nextCursor: string | null }>(first);
        if (nextCursor === null) throw new Error('two replies, a page of one: a cursor expected');
        await call(
          'GET',
          `/comment/${videoComment}/replies?limit=1&cursor=${encodeURIComponent(nextCursor)}`,
          200,
          { as: fan },
        );
      },
    },
    {
      route: 'POST /communitypost',
      run: async () => {
        const res = await call('POST', '/communitypost', 201, {
          as: creator,
          body: { content: 'Class at 8' },
        });
        post = dataOf<{ _id: string }>(res)._id;
      },
    },
    {
      route: 'GET /communitypost/feed',
      run: async () => {
        await call('GET', '/communitypost/feed', 200);
        await call('GET', '/communitypost/feed?page=1&limit=5', 200, { as: fan });
        // A second post of the creator's, so a page of one continues by cursor (here and below).
        await insertPost(t, creator.id);
        await pageByCursor('/communitypost/feed', fan);
      },
    },
    {
      route: 'GET /communitypost/user/:userId',
      run: async () => {
        await call('GET', `/communitypost/user/${creator.id}`, 200);
        await call('GET', `/communitypost/user/${creator.id}`, 200, { as: fan });
        await pageByCursor(`/communitypost/user/${creator.id}`);
      },
    },
    {
      route: 'PATCH /communitypost/:postId',
      run: async () =>
        void (await call('PATCH', `/communitypost/${post}`, 200, {
          as: creator,
          body: { content: 'Class at 9' },
        })),
    },
    {
      route: 'POST /like/toggle-community-post-like/:postId',
      run: async () =>
        void (await call('POST', `/like/toggle-community-post-like/${post}`, 200, { as: fan })),
    },
    {
      route: 'PUT /like/communitypost/:postId',
      run: async () => {
        await call('PUT', `/like/communitypost/${post}`, 200, { as: creator });
        await call('PUT', `/like/communitypost/${post}`, 200, { as: creator });
      },
    },
    {
      route: 'DELETE /like/communitypost/:postId',
      run: async () => {
        await call('DELETE', `/like/communitypost/${post}`, 200, { as: creator });
        await call('DELETE', `/like/communitypost/${post}`, 200, { as: creator });
      },
    },
    {
      route: 'POST /comment/post-comments/:postId',
      run: async () => {
        const res = await call('POST', `/comment/post-comments/${post}`, 201, {
          as: fan,
          body: { content: 'See you there' },
        });
        postComment = dataOf<{ _id: string }>(res)._id;
        await call('POST', `/like/toggle-comment-like/${postComment}`, 200, { as: creator });
      },
    },
    {
      route: 'GET /comment/post-comments/:postId',
      run: async () => {
        await insertComment(t, fan.id, { communityPost: post });
        for (const sortOrder of ['asc', 'desc']) {
          await call('GET', `/comment/post-comments/${post}?sortOrder=${sortOrder}`, 200);
          const first = await call(
            'GET',
            `/comment/post-comments/${post}?sortOrder=${sortOrder}&limit=1`,
            200,
            { as: creator },
          );
          const cursor = encodeURIComponent(dataOf<{ nextCursor: string }>(first).nextCursor);
          await call(
            'GET',
            `/comment/post-comments/${post}?sortOrder=${sortOrder}&limit=1&cursor=${cursor}`,
            200,
          );
        }
      },
    },
    {
      route: 'GET /like/liked-videos',
      run: async () => void (await call('GET', '/like/liked-videos', 200, { as: fan })),
    },

    // /follower, the channel (profile, dashboard) and the history
    {
      route: 'POST /follower/toggle/:userId',
      run: async () => {
        // Follow, unfollow, follow again (the relation stays for the lists below).
        for (let i = 0; i < 3; i++)
          await call('POST', `/follower/toggle/${creator.id}`, 200, { as: fan });
        await call('POST', `/follower/toggle/${fan.id}`, 200, { as: creator });
      },
    },
    {
      route: 'PUT /follower/:userId',
      run: async () => {
        // The creator already follows the fan (the toggle above): nothing to create; then anew.
        await call('PUT', `/follower/${fan.id}`, 200, { as: creator });
        await call('DELETE', `/follower/${fan.id}`, 200, { as: creator });
        await call('PUT', `/follower/${fan.id}`, 200, { as: creator });
      },
    },
    {
      route: 'DELETE /follower/:userId',
      run: async () => {
        await call('DELETE', `/follower/${fan.id}`, 200, { as: creator });
        await call('DELETE', `/follower/${fan.id}`, 200, { as: creator });
        await call('PUT', `/follower/${fan.id}`, 200, { as: creator });
      },
    },
    {
      route: 'GET /follower/followers/:userId',
      run: async () => {
        // A second relation each way, so a page of one continues by cursor.
        const extra = await createVerifiedUser(t);
        await insertFollow(t, extra.id, creator.id);
        await insertFollow(t, fan.id, extra.id);
        for (const sortOrder of ['asc', 'desc']) {
          await call('GET', `/follower/followers/${creator.id}?sortOrder=${sortOrder}`, 200);
          await pageByCursor(`/follower/followers/${creator.id}?sortOrder=${sortOrder}`, fan);
        }
      },
    },
    {
      route: 'GET /follower/following/:userId',
      run: async () => {
        for (const sortOrder of ['asc', 'desc']) {
          await call('GET', `/follower/following/${fan.id}?sortOrder=${sortOrder}`, 200);
          await pageByCursor(`/follower/following/${fan.id}?sortOrder=${sortOrder}`, creator);
        }
      },
    },
    {
      route: 'GET /user/:username',
      run: async () => {
        await call('GET', `/user/${creator.username}`, 200);
        await call('GET', `/user/${creator.username}`, 200, { as: fan });
      },
    },
    {
      route: 'GET /dashboard/stats',
      run: async () => void (await call('GET', '/dashboard/stats', 200, { as: creator })),
    },
    {
      route: 'GET /feed/videos',
      run: async () => {
        // The follows above ran their jobs: backfill (FEED_MAX_ENTRIES=3, so the fan's timeline
        // is trimmed), unfollow removal. An unpublish and a publish with a follower: removal,
        // then a fan-out that writes and sizes an entry.
        const jobs = t.app.get(JobQueues);
        await jobs.idle();
        await call('PATCH', `/video/publish-status/${uploaded._id}`, 200, {
          as: creator,
          body: { isPublished: false },
        });
        await jobs.idle();
        await call('PATCH', `/video/publish-status/${uploaded._id}`, 200, {
          as: creator,
          body: { isPublished: true },
        });
        await jobs.idle();
        const first = await call('GET', '/feed/videos?limit=1', 200, { as: fan });
        const cursor = encodeURIComponent(dataOf<{ nextCursor: string }>(first).nextCursor);
        await call('GET', `/feed/videos?limit=1&cursor=${cursor}`, 200, { as: fan });
        await call('GET', '/feed/videos', 200, { as: creator });
      },
    },
    // /notifications: the likes, comments, follows and publishes above ran their jobs
    // (groups opened and joined, an unfollow's undo, a fan-out of new-video notifications)
    {
      route: 'GET /notifications',
      run: async () => {
        await t.app.get(JobQueues).idle();
        const first = await call('GET', '/notifications?limit=1', 200, { as: creator });
        const cursor = dataOf<{ nextCursor: string | null }>(first).nextCursor;
        if (cursor === null) throw new Error('the creator has several notifications');
        await call('GET', `/notifications?limit=1&cursor=${encodeURIComponent(cursor)}`, 200, {
          as: creator,
        });
        await call('GET', '/notifications?unread=true', 200, { as: creator });
      },
    },
    {
      route: 'GET /notifications/stream',
      run: async () => {
        // A reconnect that replays everything since the start of the walk, then the count; then
        // a change announced to the open stream (the item read anew).
        const port = await listeningPort(t);
        const events: string[] = [];
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          path: `${API}/notifications/stream`,
          headers: { Authorization: creator.authHeader, 'Last-Event-ID': String(walkStart) },
        });
        const opened = new Promise<void>((resolve, reject) => {
          req.on('response', (res) => {
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              events.push(chunk);
              if (events.join('').includes('event: unread-count')) resolve();
            });
            res.on('error', () => undefined);
          });
          req.on('error', reject);
        });
        req.end();
        await opened;
        const seen = events.join('').length;
        await call('DELETE', `/like/video/${uploaded._id}`, 200, { as: fan });
        await call('PUT', `/like/video/${uploaded._id}`, 200, { as: fan });
        await t.app.get(JobQueues).idle();
        for (let i = 0; i < 50 && !events.join('').slice(seen).includes('event: notification'); i++)
          await new Promise((resolve) => setTimeout(resolve, 20));
        req.destroy();
        if (!events.join('').slice(seen).includes('event: notification'))
          throw new Error('the stream sent no notification event');
      },
    },
    {
      route: 'GET /notifications/unread-count',
      run: async () => void (await call('GET', '/notifications/unread-count', 200, { as: fan })),
    },
    {
      route: 'POST /notifications/:notificationId/read',
      run: async () => {
        const list = dataOf<{ docs: { _id: string }[] }>(
          await call('GET', '/notifications', 200, { as: creator }),
        );
        await call('POST', `/notifications/${list.docs[0]._id}/read`, 200, { as: creator });
        await call('POST', `/notifications/${list.docs[0]._id}/read`, 404, { as: fan });
      },
    },
    {
      route: 'POST /notifications/read-all',
      run: async () => void (await call('POST', '/notifications/read-all', 200, { as: creator })),
    },
    {
      route: 'GET /notifications/preferences',
      run: async () => void (await call('GET', '/notifications/preferences', 200, { as: fan })),
    },
    {
      route: 'PATCH /notifications/preferences',
      run: async () => {
        await call('PATCH', '/notifications/preferences', 200, {
          as: fan,
          body: { comment_like: { inApp: false } },
        });
        await call('PATCH', '/notifications/preferences', 200, {
          as: fan,
          body: { comment_like: { inApp: true } },
        });
      },
    },
    {
      route: 'GET /user/history',
      run: async () => void (await call('GET', '/user/history', 200, { as: fan })),
    },

    // /playlist
    {
      route: 'POST /playlist',
      run: async () => {
        // With an Idempotency-Key: the claim, its replay, a failure that frees its key, and a
        // key found expired (the TTL monitor has not run) that is claimed anew.
        const keyed = { 'Idempotency-Key': 'walk-playlist' };
        const body = { name: 'Salsa picks' };
        publicPlaylist = dataOf<{ _id: string }>(
          await call('POST', '/playlist', 201, { as: fan, body, headers: keyed }),
        )._id;
        await call('POST', '/playlist', 201, { as: fan, body, headers: keyed });
        await call('POST', '/playlist', 400, {
          as: fan,
          body: { name: '' },
          headers: { 'Idempotency-Key': 'walk-invalid' },
        });
        await t.connection
          .collection('idempotencykeys')
          .updateMany({}, { $set: { expiresAt: new Date(Date.now() - 1000) } });
        publicPlaylist = dataOf<{ _id: string }>(
          await call('POST', '/playlist', 201, { as: fan, body, headers: keyed }),
        )._id;
        privatePlaylist = dataOf<{ _id: string }>(
          await call('POST', '/playlist', 201, {
            as: fan,
            body: { name: 'Salsa drafts', isPublished: false },
          }),
        )._id;
      },
    },
    {
      route: 'POST /playlist/:playlistId/videos/:videoId',
      run: async () => {
        for (const playlist of [publicPlaylist, privatePlaylist])
          await call('POST', `/playlist/${playlist}/videos/${uploaded._id}`, 200, { as: fan });
        await call('POST', `/playlist/${publicPlaylist}/videos/${stored[0]}`, 200, { as: fan });
      },
    },
    {
      route: 'DELETE /playlist/:playlistId/videos/:videoId',
      run: async () =>
        void (await call('DELETE', `/playlist/${publicPlaylist}/videos/${stored[0]}`, 200, {
          as: fan,
        })),
    },
    {
      route: 'GET /playlist/me',
      run: async () => {
        await call('GET', '/playlist/me', 200, { as: fan });
        await pageByCursor('/playlist/me', fan);
      },
    },
    {
      route: 'GET /playlist/user/:userId',
      run: async () => {
        await call('GET', `/playlist/user/${fan.id}`, 200);
        await call('GET', `/playlist/user/${fan.id}`, 200, { as: creator });
        // A second public playlist, so a page of one continues by cursor (here and in search).
        await insertPlaylist(t, fan.id, { name: 'Salsa extras' });
        await pageByHeader(`/playlist/user/${fan.id}`);
      },
    },
    {
      route: 'GET /playlist/search',
      run: async () => {
        await call('GET', '/playlist/search?query=salsa', 200);
        await call('GET', '/playlist/search?query=salsa', 200, { as: fan });
        await pageByHeader('/playlist/search?query=salsa', fan);
      },
    },
    {
      route: 'GET /playlist/:playlistId',
      run: async () => {
        await call('GET', `/playlist/${publicPlaylist}`, 200);
        await call('GET', `/playlist/${privatePlaylist}`, 200, { as: fan });
      },
    },
    {
      route: 'PATCH /playlist/:playlistId',
      run: async () =>
        void (await call('PATCH', `/playlist/${publicPlaylist}`, 200, {
          as: fan,
          body: { description: 'Best of' },
        })),
    },

    // Deletions and their cascades, last.
    {
      route: 'DELETE /comment/:commentId',
      run: async () => void (await call('DELETE', `/comment/${postComment}`, 200, { as: fan })),
    },
    {
      // Removes its views, likes, history entries, comments (and their likes), playlist entries.
      route: 'DELETE /video/:videoId',
      run: async () => void (await call('DELETE', `/video/${uploaded._id}`, 200, { as: creator })),
    },
    {
      // Removes its comments and their likes.
      route: 'DELETE /communitypost/:postId',
      run: async () => {
        await call('POST', `/comment/post-comments/${post}`, 201, {
          as: fan,
          body: { content: 'One more' },
        });
        await call('DELETE', `/communitypost/${post}`, 200, { as: creator });
      },
    },
    {
      route: 'DELETE /playlist/:playlistId',
      run: async () =>
        void (await call('DELETE', `/playlist/${privatePlaylist}`, 200, { as: fan })),
    },
    {
      route: 'DELETE /user/history',
      run: async () => void (await call('DELETE', '/user/history', 200, { as: fan })),
    },

    // /uploads (tus): create, offset, append (which finishes it), terminate
    {
      route: 'POST /uploads',
      run: async () => {
        const res = await call('POST', '/uploads', 201, {
          as: fan,
          headers: { ...TUS, 'Upload-Length': '4' },
        });
        tusUpload = String(res.headers.location).split('/').pop() ?? '';
      },
    },
    {
      route: 'HEAD /uploads/:uploadId',
      run: async () =>
        void (await call('HEAD', `/uploads/${tusUpload}`, 200, { as: fan, headers: TUS })),
    },
    {
      route: 'PATCH /uploads/:uploadId',
      run: async () => {
        const res = await patchUpload(t, fan.authHeader, tusUpload, 0, Buffer.from('data'));
        if (res.status !== 204) throw new Error(`PATCH /uploads: expected 204, got ${res.status}`);
      },
    },
    {
      route: 'DELETE /uploads/:uploadId',
      run: async () =>
        void (await call('DELETE', `/uploads/${tusUpload}`, 204, { as: fan, headers: TUS })),
    },
    {
      // The audit's app stores locally: refused before any query (the Cloudinary runs' queries
      // are recorded with the processing shapes below).
      route: 'POST /webhooks/cloudinary',
      run: async () =>
        void (await call('POST', '/webhooks/cloudinary', 401, {
          body: { notification_type: 'eager' },
          headers: { 'X-Cld-Timestamp': '1', 'X-Cld-Signature': 'a'.repeat(40) },
        })),
    },
  ];

  let walkShapes: QueryShape[] = [];

  /**
   * The counters reconcile job queries outside any request (on its schedule, or from
   * `npm run reconcile`), so the request recorder never sees it: its shapes are recorded here and
   * join the walk's. Every stored counter is made wrong first, so every fix is written, and the
   * batches hold two documents, so every kind of document is read after an `_id` too.
   */
  const reconcileShapes = async (): Promise<QueryShape[]> => {
    const comments: string[] = [];
    const posts: string[] = [];
    for (let i = 0; i < 3; i++) {
      comments.push(await insertComment(t, fan.id, { video: stored[0] }));
      posts.push(await insertPost(t, creator.id));
    }
    const drift = async (collection: string, fields: string[]): Promise<void> => {
      const wrong = Object.fromEntries(fields.map((field) => [field, -1]));
      await t.connection.collection(collection).updateMany({}, { $set: wrong });
    };
    await drift('videos', ['likesCount', 'commentsCount']);
    await drift('comments', ['likesCount']);
    await drift('communityposts', ['likesCount', 'commentsCount']);
    await drift(
      'users',
      CHANNEL_COUNTER_FIELDS.map((field) => `channel.${field}`),
    );
    const job = recordQueryShapes(t.connection);
    try {
      const reconcile = t.app.get(CountersReconcileService);
      await reconcile.reconcileAll({ batchSize: 2 });
      await reconcile.reconcile({ videos: [stored[0]], comments, posts, users: [fan.id] });
    } finally {
      job.stop();
    }
    return [...job.shapes.values()];
  };

  /** The expired-uploads clean-up runs on its schedule, outside any request, like the reconcile. */
  const uploadsCleanupShapes = async (): Promise<QueryShape[]> => {
    await call('POST', '/uploads', 201, { as: creator, headers: { ...TUS, 'Upload-Length': '4' } });
    const job = recordQueryShapes(t.connection);
    try {
      await t.app.get(ResumableUploadsService).removeExpired(new Date(Date.now() + 49 * 3_600_000));
    } finally {
      job.stop();
    }
    return [...job.shapes.values()];
  };

  /**
   * Processing outside any request: the boot pick-up (a video left queued), and a run's writes,
   * called directly (the audit's app has no transcoder to run them), then the owner's processing
   * notifications that a run's end announces (failed, then ready: the replacement).
   */
  const processingShapes = async (): Promise<QueryShape[]> => {
    const videoId = stored[1];
    const videos = t.app.get(VideosRepository, { strict: false });
    await t.connection
      .collection('videos')
      .updateOne({ _id: new Types.ObjectId(videoId) }, { $set: { 'processing.state': 'queued' } });
    const job = recordQueryShapes(t.connection);
    try {
      await t.app.get(VideoProcessingService).resumeUnfinished();
      const lease = { checkAt: new Date(Date.now() + 60_000), takeExpired: true };
      await videos.claimProcessing(videoId, 'audit', lease);
      await videos.setProcessingProgress(videoId, 'audit', 50);
      await videos.moveCheckAt(videoId, 'audit', new Date(Date.now() + 60_000));
      await videos.releaseRun(videoId, 'audit');
      await videos.claimProcessing(videoId, 'audit', lease);
      await videos.failProcessing(videoId, 'audit', 'Processing failed');
      await videos.claimProcessing(videoId, 'audit', lease);
      await videos.finishProcessing(videoId, 'audit', null);
      // A Cloudinary run: the poll's due checks, taking one, and the notification's run lookup.
      const due = new Date();
      await t.connection
        .collection('videos')
        .updateOne(
          { _id: new Types.ObjectId(videoId) },
          { $set: { 'processing.state': 'queued' } },
        );
      await videos.claimProcessing(videoId, 'audit-cloud', { checkAt: due });
      await videos.findDueChecks(new Date(), 50);
      await videos.moveCheckAt(videoId, 'audit-cloud', new Date(), due);
      await videos.findProcessingRun(videoId, 'audit-cloud');
      await videos.finishProcessing(videoId, 'audit-cloud', null);
      for (const state of ['failed', 'ready'] as const) {
        await t.app.get(DomainEvents).publish('video.processed', {
          videoId,
          ownerId: creator.id,
          state,
        });
        await t.app.get(JobQueues).idle();
      }
    } finally {
      job.stop();
    }
    return [...job.shapes.values()];
  };

  beforeAll(async () => {
    mail = await FakeResendServer.start();
    t = await createTestApp({
      ...RELAXED_LIMITS,
      MAIL_TRANSPORT: 'resend',
      RESEND_API_KEY: mail.apiKey,
      RESEND_BASE_URL: mail.url,
      // Small limits, so the branches behind them run: history and feed trims, session cap, code
      // resends, the pending-username hold and refresh-token reuse.
      HISTORY_MAX_ENTRIES: '2',
      FEED_MAX_ENTRIES: '3',
      MAX_SESSIONS_PER_USER: '2',
      CODE_RESEND_COOLDOWN_SECONDS: '0',
      PENDING_USERNAME_HOLD_HOURS: '0',
      REFRESH_REUSE_GRACE_SECONDS: '0',
    });
    recorder = recordQueryShapes(t.connection, { requestsOnly: true });
    creator = await createVerifiedUser(t);
    fan = await createVerifiedUser(t);
    for (const [title, views, duration] of [
      ['Salsa basics', 30, 12],
      ['Bachata turns', 10, 40],
      ['Zouk waves', 20, 25],
    ] as const) {
      stored.push(await insertVideo(t, creator.id, { title, views, duration }));
    }
    unpublished = await insertVideo(t, creator.id, { isPublished: false, title: 'Draft salsa' });

    for (const step of STEPS) {
      try {
        await step.run();
      } catch (error) {
        throw new Error(
          `walk step ${step.route}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    // Fire-and-forget writes (view counting, history) finish after the response; background
    // jobs (the feed's fan-out and removals) when their queues are idle.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await t.app.get(JobQueues).idle();
    walkShapes = [...recorder.shapes.values()];
    walkShapes.push(...(await reconcileShapes()));
    walkShapes.push(...(await uploadsCleanupShapes()));
    walkShapes.push(...(await processingShapes()));
  }, 180_000);

  afterAll(async () => {
    recorder?.stop();
    await t?.close();
    await mail?.close();
  });

  it('walks every route of the route table', () => {
    const routes = routeTable(t.app).map((route) => `${route.method} ${route.path}`);
    const walked = new Set(STEPS.map((step) => step.route));
    expect({
      notWalked: routes.filter((route) => !walked.has(route)).sort(),
      notRoutes: [...walked].filter((route) => !routes.includes(route)).sort(),
    }).toEqual({ notWalked: [], notRoutes: [] });
  });

  it('finds every query shape served by a declared index, or allow-listed with a reason', () => {
    const indexes = declaredIndexes(t.connection);
    const appCollections = new Set(indexes.map((index) => index.collection));
    const walked = new Set(walkShapes.map(shapeKey));
    // The rest of the run: shapes the walk does not send (failure paths, races), on the app's
    // collections (not the foundation tests' probe module).
    const rest = [...readSuiteShapes().values()].filter(
      ({ shape }) => !walked.has(shapeKey(shape)) && appCollections.has(shape.collection),
    );
    const result = audit([...walkShapes, ...rest.map(({ shape }) => shape)], indexes, ALLOWED);

    mkdirSync(REPORT_DIR, { recursive: true });
    writeFileSync(
      join(REPORT_DIR, 'report.md'),
      [
        shapesTable(result.verdicts, ALLOWED),
        '',
        'Not sent by the walk (first seen in):',
        ...rest.map(({ shape, source }) => `- ${shapeKey(shape)} (${source})`),
        '',
      ].join('\n'),
    );
    console.log(
      `index audit: ${walkShapes.length} shapes from the walk, ${rest.length} more from the rest of the run, ${indexes.length} declared indexes`,
    );
    expect({ failures: result.failures, staleAllowances: result.staleAllowances }).toEqual({
      failures: [],
      staleAllowances: [],
    });
  });

  it('finds every declared index needed by some query shape of the walk', () => {
    const result = audit(walkShapes, declaredIndexes(t.connection), ALLOWED);
    expect(
      result.unneeded.map(({ index, why }) => `${index.collection} ${indexLabel(index)}: ${why}`),
    ).toEqual([]);
  });

  it('lists every shape of the walk with its index in docs/performance.md', () => {
    const table = shapesTable(
      audit(walkShapes, declaredIndexes(t.connection), ALLOWED).verdicts,
      ALLOWED,
    );
    mkdirSync(REPORT_DIR, { recursive: true });
    writeFileSync(join(REPORT_DIR, 'shapes.md'), `${table}\n`);
    const docs = readFileSync(DOCS, 'utf8');
    const start = docs.indexOf(TABLE_START);
    const end = docs.indexOf(TABLE_END);
    const listed =
      start === -1 || end === -1 ? '' : docs.slice(start + TABLE_START.length, end).trim();
    // On a difference, var/index-audit/shapes.md holds the table to paste between the markers.
    expect(listed).toBe(table);
  });
});

describe('The ESR rule of the index audit', () => {
  const index = (
    keys: Record<string, 1 | -1>,
    options: { unique?: boolean; ttl?: boolean } = {},
  ): DeclaredIndex => {
    const entries = Object.entries<1 | -1>(keys);
    return {
      collection: 'things',
      name: entries.map(([field, direction]) => `${field}_${direction}`).join('_'),
      keys: entries,
      unique: options.unique ?? false,
      ttl: options.ttl ?? false,
    };
  };
  const ID: DeclaredIndex = { ...index({ _id: 1 }, { unique: true }), name: '_id_' };
  const find = (filter: object, sort?: object): QueryShape =>
    shapesOf('find', { find: 'things', filter, ...(sort ? { sort } : {}) })[0];
  const verdictOf = (shape: QueryShape, ...indexes: DeclaredIndex[]) => {
    const verdict = judge(shape, [ID, ...indexes]);
    return {
      plan: verdict.plan,
      indexes: verdict.indexes.map((i) => i.name),
      problems: verdict.problems,
    };
  };
  const served = (plan: string, ...indexes: string[]) => ({ plan, indexes, problems: [] });
  const NOT_SERVED = { plan: null, indexes: [], problems: ['no declared index serves it by ESR'] };

  it('serves equality, then sort (either direction), then range', () => {
    const esr = index({ a: 1, s: -1, r: 1 });
    expect(verdictOf(find({ a: 1, r: { $gt: 2 } }, { s: -1 }), esr)).toEqual(
      served('ESR', 'a_1_s_-1_r_1'),
    );
    expect(verdictOf(find({ a: 1 }, { s: 1 }), esr)).toEqual(served('ESR', 'a_1_s_-1_r_1'));
    // A range on a field outside the index filters the E+S scan.
    expect(judge(find({ a: 1, x: { $lt: 3 } }, { s: -1 }), [esr]).residual).toEqual(['x: range']);
  });

  it('refuses an equality outside the prefix, a range before the sort, a mixed direction', () => {
    expect(verdictOf(find({ a: 1, b: 2 }, { s: -1 }), index({ a: 1, s: -1 }))).toEqual(NOT_SERVED);
    expect(
      verdictOf(find({ a: 1, r: { $gt: 2 } }, { s: -1 }), index({ a: 1, r: 1, s: -1 })),
    ).toEqual(NOT_SERVED);
    expect(verdictOf(find({ a: 1 }, { s: -1, t: 1 }), index({ a: 1, s: -1, t: -1 }))).toEqual(
      NOT_SERVED,
    );
    expect(verdictOf(find({ a: 1 }, { s: -1, _id: -1 }), index({ a: 1, s: -1 }))).toEqual(
      NOT_SERVED,
    );
  });

  it('serves a range on the sort key right after the equalities (a keyset walk)', () => {
    expect(verdictOf(find({ _id: { $gt: 1 } }, { _id: 1 }))).toEqual(served('ESR', '_id_'));
    expect(verdictOf(find({ s: { $lt: 1 } }, { s: -1 }), index({ s: -1 }))).toEqual(
      served('ESR', 's_-1'),
    );
    // Not when the range is on a later sort key: the scan is bounded by nothing.
    expect(verdictOf(find({ t: { $gt: 1 } }, { s: 1, t: 1 }), index({ s: 1, t: 1 }))).toEqual(
      NOT_SERVED,
    );
  });

  it('counts $in as equality only without a sort', () => {
    const sorted = index({ a: 1, s: -1 });
    expect(verdictOf(find({ a: { $in: [1, 2] } }), sorted)).toEqual(served('ESR', 'a_1_s_-1'));
    expect(verdictOf(find({ a: { $in: [1, 2] } }, { s: -1 }), sorted)).toEqual(NOT_SERVED);
  });

  it('serves a full unique key as a point lookup, whatever else the shape says', () => {
    expect(verdictOf(find({ _id: 1, owner: 2, $or: [{ p: true }, { q: 1 }] }, { s: 1 }))).toEqual(
      served('point', '_id_'),
    );
    expect(
      verdictOf(find({ a: 1, b: { $in: [1, 2] }, c: 3 }), index({ a: 1, b: 1 }, { unique: true })),
    ).toEqual(served('point', 'a_1_b_1'));
  });

  it('serves an $or by an index union, and only when every branch is served', () => {
    const [a, b] = [index({ a: 1 }), index({ b: 1 })];
    expect(verdictOf(find({ $or: [{ a: 1 }, { b: 2 }] }), a, b)).toEqual(
      served('union', 'a_1', 'b_1'),
    );
    expect(verdictOf(find({ $or: [{ a: 1 }, { c: 2 }] }), a, b)).toEqual(NOT_SERVED);
  });

  it('finds regexes, $where and unfiltered scans; a TTL index serves nothing', () => {
    expect(
      verdictOf(find({ a: 1, t: { $regex: 'x', $options: 'i' } }), index({ a: 1 })).problems,
    ).toEqual(['unanchored or case-insensitive regex on t']);
    expect(verdictOf(find({ t: { $regex: '^x' } }), index({ t: 1 }))).toEqual(served('ESR', 't_1'));
    expect(verdictOf(find({ $where: 'true' }), index({ a: 1 })).problems).toContain(
      '$where cannot use an index',
    );
    expect(verdictOf(find({})).problems).toEqual(['no predicate: a collection scan']);
    expect(verdictOf(find({}, { s: -1 }), index({ s: 1 }))).toEqual(served('ordered scan', 's_1'));
    expect(verdictOf(find({ e: { $lt: new Date() } }), index({ e: 1 }, { ttl: true }))).toEqual(
      NOT_SERVED,
    );
  });

  it('reads $lookup sub-pipelines, their $expr equality included', () => {
    const shapes = shapesOf('aggregate', {
      aggregate: 'things',
      pipeline: [
        { $match: { a: 1 } },
        { $sort: { s: -1 } },
        {
          $lookup: {
            from: 'others',
            let: { u: '$owner' },
            pipeline: [{ $match: { $expr: { $eq: ['$_id', '$$u'] } } }],
            as: 'o',
          },
        },
        {
          $facet: {
            rows: [{ $lookup: { from: 'more', localField: 'x', foreignField: 'y', as: 'm' } }],
          },
        },
      ],
    });
    expect(shapes.map(shapeKey)).toEqual([
      'things aggregate {a: eq} sort {s: -1}',
      'others lookup {_id: eq}',
      'more lookup {y: eq}',
    ]);
  });

  it('names the indexes the shapes can do without', () => {
    const sorted = find({ a: 1 }, { s: -1 });
    const point = find({ b: 1 });
    const indexes = [ID, index({ a: 1, s: -1 }), index({ a: 1, s: -1, t: 1 }), index({ b: 1 })];
    // {b: 1} serves the point shape best, but the unique {b, c} would serve it as well.
    indexes.push(index({ b: 1, c: 1 }, { unique: true }));
    const result = audit([sorted, point], indexes, []);
    expect(result.unneeded.map(({ index: unneeded, why }) => `${unneeded.name}: ${why}`)).toEqual([
      'a_1_s_-1_t_1: no shape uses it',
      'b_1: its shapes are served as well by {b: 1, c: 1} unique',
    ]);
  });
});
