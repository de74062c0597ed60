import { Types } from 'mongoose';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import type { Test as SupertestRequest } from 'supertest';
import { AUTH_MODE_KEY, AuthMode } from 'src/common/decorators/auth-mode.decorator';
import { addComment, insertComment } from 'test/factories/comments.factory';
import { insertPlaylist } from 'test/factories/playlists.factory';
import { createPost, insertPost } from 'test/factories/posts.factory';
import {
  createPendingUser,
  createVerifiedUser,
  signIn,
  type TestAccount,
  type TestUser,
} from 'test/factories/users.factory';
import { insertVideo } from 'test/factories/videos.factory';
import { tinyPng } from 'test/fixtures/media.fixture';
import { API, api, RELAXED_LIMITS } from 'test/follows/social-test.util';
import { diffSnapshots, snapshotDb } from 'test/security/db-snapshot.util';
import { createUpload } from 'test/uploads/tus-test.util';
import { type RouteEntry, routeTable } from 'test/utils/route-table';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * Issue 6, "Object-level authorization sweep": invisible is 404 everywhere, and visible but
 * someone else's is 403 (docs/api.md#visibility, docs/api.md#not-found-vs-forbidden).
 *
 * The ROUTES come from Nest's own metadata (`routeTable`); only the expected outcomes are written
 * here, keyed by `METHOD path`, from docs/api.md and the OpenAPI document. Every route taking an id
 * or a username must have an entry, and every entry must name a real route, so a new id-taking
 * route fails this sweep until its expected answers are written down.
 *
 * Callers: B (another verified user) always; anonymous too when the route's auth mode lets an
 * anonymous caller through (optional/public), with the same expected answers.
 * Resources: owner A's visible ones, and hidden ones (A's unpublished video and its comment,
 * A's private playlist, pending user P, and P's post with a comment on it: "a post is
 * visible when its owner is").
 */

type ParamName =
  | 'videoId'
  | 'commentId'
  | 'postId'
  | 'playlistId'
  | 'userId'
  | 'username'
  | 'sessionId'
  | 'notificationId'
  | 'uploadId';
const PARAM_NAMES: readonly ParamName[] = [
  'videoId',
  'commentId',
  'postId',
  'playlistId',
  'userId',
  'username',
  'sessionId',
  'notificationId',
  'uploadId',
];

interface Outcome {
  status: number;
  message: string;
}

type Body = Record<string, unknown> | 'thumbnail-upload';

interface HiddenCase {
  param: ParamName;
  expect: Outcome;
  /** Other parameters taken from B's own resources instead of A's (to reach a later check). */
  ownFor?: ParamName[];
  note?: string;
}

interface SweepSpec {
  body?: Body;
  /** As B (and anonymous where allowed) on A's visible resources. */
  visible: Outcome;
  /** A legitimate action that succeeded: put the world back (e.g. toggle again). */
  undo?: (ctx: UndoContext) => Promise<void>;
  /** Every parameter of the route that has hidden counterparts must appear here at least once. */
  hidden: HiddenCase[];
}

interface UndoContext {
  path: string;
  caller: TestUser;
  data: unknown;
}

const ok = (message: string, status = 200): Outcome => ({ status, message });
const forbidden = (message: string): Outcome => ({ status: 403, message });
const notFound = (message: string): Outcome => ({ status: 404, message });

const VIDEO_NOT_FOUND = notFound('Video not found');
const COMMENT_NOT_FOUND = notFound('Comment not found');
const PLAYLIST_NOT_FOUND = notFound('Playlist not found');
const USER_NOT_FOUND = notFound('User not found');
/**
 * The post like and the post comments say `Community post not found`; editing and deleting a post
 * say `Post not found`.
 */
const COMMUNITY_POST_NOT_FOUND = notFound('Community post not found');
const POST_NOT_FOUND = notFound('Post not found');
/** Someone else's session is the same answer as an unknown one. */
const SESSION_NOT_FOUND = notFound('Session not found');
/** Someone else's notification is the same answer as an unknown one. */
const NOTIFICATION_NOT_FOUND = notFound('Notification not found');
/** A resumable upload is its creator's alone: live or gone, anyone else gets this. */
const UPLOAD_NOT_FOUND = notFound('Upload not found');

const VIDEO_OWNER_ONLY = forbidden('You can only update your own videos');

/**
 * Undoes a relation change on the same path, which must report the opposite state: a toggle is
 * undone by toggling again (POST), an idempotent PUT by the DELETE.
 */
const undoOnSamePath =
  (method: 'post' | 'delete', message: string) =>
  async ({ path, caller }: UndoContext): Promise<void> => {
    const agent = api(t);
    const res = await agent[method](`${API}${path}`)
      .set('Authorization', caller.authHeader)
      .send({});
    expect({ status: res.status, message: res.body?.message }).toEqual({ status: 200, message });
  };
const toggleBack = (message: string) => undoOnSamePath('post', message);
const deleteBack = (message: string) => undoOnSamePath('delete', message);

const deleteCreatedComment = async ({ caller, data }: UndoContext): Promise<void> => {
  const id = (data as { _id: string })._id;
  const res = await api(t).delete(`${API}/comment/${id}`).set('Authorization', caller.authHeader);
  expect({ status: res.status, message: res.body?.message }).toEqual({
    status: 200,
    message: 'Comment deleted successfully',
  });
};

/** Expected answers, per route. */
const EXPECTED: Record<string, SweepSpec> = {
  'GET /user/:username': {
    visible: ok('User profile fetched successfully'),
    hidden: [{ param: 'username', expect: USER_NOT_FOUND }],
  },
  // B's view and history entry are the legitimate effect of a read
  'GET /video/:videoId': {
    visible: ok('Video fetched successfully'),
    hidden: [{ param: 'videoId', expect: VIDEO_NOT_FOUND }],
  },
  'PATCH /video/:videoId': {
    body: { title: 'Hijacked title' },
    visible: VIDEO_OWNER_ONLY,
    hidden: [{ param: 'videoId', expect: VIDEO_NOT_FOUND }],
  },
  'DELETE /video/:videoId': {
    visible: forbidden('You are not authorized to delete this video'),
    hidden: [{ param: 'videoId', expect: VIDEO_NOT_FOUND }],
  },
  // A valid thumbnail, so the file checks pass and the 404/403 step is reached (upload check order)
  'PATCH /video/thumbnail/:videoId': {
    body: 'thumbnail-upload',
    visible: VIDEO_OWNER_ONLY,
    hidden: [{ param: 'videoId', expect: VIDEO_NOT_FOUND }],
  },
  'PATCH /video/publish-status/:videoId': {
    visible: VIDEO_OWNER_ONLY,
    hidden: [{ param: 'videoId', expect: VIDEO_NOT_FOUND }],
  },
  // Owner only: someone else's visible video is 403 before its processing state is looked at
  'POST /video/:videoId/processing/retry': {
    visible: VIDEO_OWNER_ONLY,
    hidden: [{ param: 'videoId', expect: VIDEO_NOT_FOUND }],
  },
  // Liking someone else's published video is legitimate → 200, then unliked again
  'POST /like/toggle-video-like/:videoId': {
    visible: ok('Video liked successfully'),
    undo: toggleBack('Video unliked successfully'),
    hidden: [{ param: 'videoId', expect: VIDEO_NOT_FOUND }],
  },
  // Legitimate on a visible comment → 200, then unliked again
  'POST /like/toggle-comment-like/:commentId': {
    visible: ok('Comment liked successfully'),
    undo: toggleBack('Comment unliked successfully'),
    hidden: [{ param: 'commentId', expect: COMMENT_NOT_FOUND }],
  },
  // Legitimate on a visible post → 200, then unliked again
  'POST /like/toggle-community-post-like/:postId': {
    visible: ok('Post liked successfully'),
    undo: toggleBack('Post unliked successfully'),
    hidden: [{ param: 'postId', expect: COMMUNITY_POST_NOT_FOUND }],
  },
  'GET /comment/video-comments/:videoId': {
    visible: ok('Video comments fetched successfully'),
    hidden: [{ param: 'videoId', expect: VIDEO_NOT_FOUND }],
  },
  // Commenting on a visible video is legitimate → 201, then B deletes the comment
  'POST /comment/video-comments/:videoId': {
    body: { content: 'Nice one' },
    visible: ok('Comment added successfully', 201),
    undo: deleteCreatedComment,
    hidden: [{ param: 'videoId', expect: VIDEO_NOT_FOUND }],
  },
  'GET /comment/post-comments/:postId': {
    visible: ok('Post comments fetched successfully'),
    hidden: [{ param: 'postId', expect: COMMUNITY_POST_NOT_FOUND }],
  },
  // Legitimate → 201, then B deletes the comment
  'POST /comment/post-comments/:postId': {
    body: { content: 'Nice one' },
    visible: ok('Comment added successfully', 201),
    undo: deleteCreatedComment,
    hidden: [{ param: 'postId', expect: COMMUNITY_POST_NOT_FOUND }],
  },
  'PATCH /comment/:commentId': {
    body: { content: 'Hijacked comment' },
    visible: forbidden('You are not authorized to edit this comment'),
    hidden: [{ param: 'commentId', expect: COMMENT_NOT_FOUND }],
  },
  // B is neither the author nor the owner of the parent
  'DELETE /comment/:commentId': {
    visible: forbidden('You are not authorized to delete this comment'),
    hidden: [{ param: 'commentId', expect: COMMENT_NOT_FOUND }],
  },
  'GET /comment/:commentId/replies': {
    visible: ok('Replies fetched successfully'),
    hidden: [{ param: 'commentId', expect: COMMENT_NOT_FOUND }],
  },
  // Replying to a visible comment is legitimate → 201, then B deletes the reply
  'POST /comment/:commentId/replies': {
    body: { content: 'Nice one' },
    visible: ok('Reply added successfully', 201),
    undo: deleteCreatedComment,
    hidden: [{ param: 'commentId', expect: COMMENT_NOT_FOUND }],
  },
  // Following another verified user is legitimate → 200, then unfollowed again
  'POST /follower/toggle/:userId': {
    visible: ok('Followed successfully'),
    undo: toggleBack('Unfollowed successfully'),
    hidden: [{ param: 'userId', expect: USER_NOT_FOUND }],
  },
  'GET /follower/followers/:userId': {
    visible: ok('Followers fetched successfully'),
    hidden: [{ param: 'userId', expect: USER_NOT_FOUND }],
  },
  'GET /follower/following/:userId': {
    visible: ok('Following list fetched successfully'),
    hidden: [{ param: 'userId', expect: USER_NOT_FOUND }],
  },
  'GET /communitypost/user/:userId': {
    visible: ok('Community posts fetched successfully'),
    hidden: [{ param: 'userId', expect: USER_NOT_FOUND }],
  },
  'PATCH /communitypost/:postId': {
    body: { content: 'Hijacked post' },
    visible: forbidden('You can only edit your own posts'),
    hidden: [{ param: 'postId', expect: POST_NOT_FOUND }],
  },
  'DELETE /communitypost/:postId': {
    visible: forbidden('You can only delete your own posts'),
    hidden: [{ param: 'postId', expect: POST_NOT_FOUND }],
  },
  'GET /playlist/user/:userId': {
    visible: ok('User playlists fetched successfully'),
    hidden: [{ param: 'userId', expect: USER_NOT_FOUND }],
  },
  'GET /playlist/:playlistId': {
    visible: ok('Playlist fetched successfully'),
    hidden: [{ param: 'playlistId', expect: PLAYLIST_NOT_FOUND }],
  },
  'PATCH /playlist/:playlistId': {
    body: { name: 'Hijacked playlist' },
    visible: forbidden('You are not authorized to update this playlist'),
    hidden: [{ param: 'playlistId', expect: PLAYLIST_NOT_FOUND }],
  },
  'DELETE /playlist/:playlistId': {
    visible: forbidden('You are not authorized to delete this playlist'),
    hidden: [{ param: 'playlistId', expect: PLAYLIST_NOT_FOUND }],
  },
  'POST /playlist/:playlistId/videos/:videoId': {
    visible: forbidden('You are not authorized to add videos to this playlist'),
    hidden: [
      { param: 'playlistId', expect: PLAYLIST_NOT_FOUND },
      {
        param: 'videoId',
        expect: forbidden('You are not authorized to add videos to this playlist'),
        note: "A's visible playlist: ownership (403) is checked before the video",
      },
      {
        param: 'videoId',
        ownFor: ['playlistId'],
        expect: VIDEO_NOT_FOUND,
        note: "B's own playlist: the video is invisible to the caller → 404",
      },
    ],
  },
  // A's live session and A's revoked one are both out of B's reach
  'DELETE /auth/sessions/:sessionId': {
    visible: SESSION_NOT_FOUND,
    hidden: [{ param: 'sessionId', expect: SESSION_NOT_FOUND }],
  },
  // The idempotent state routes: legitimate on visible targets (a PUT is undone by its DELETE;
  // a DELETE of a state B is not in changes nothing)
  'PUT /like/video/:videoId': {
    visible: ok('Video liked successfully'),
    undo: deleteBack('Video unliked successfully'),
    hidden: [{ param: 'videoId', expect: VIDEO_NOT_FOUND }],
  },
  'DELETE /like/video/:videoId': {
    visible: ok('Video unliked successfully'),
    hidden: [{ param: 'videoId', expect: VIDEO_NOT_FOUND }],
  },
  'PUT /like/comment/:commentId': {
    visible: ok('Comment liked successfully'),
    undo: deleteBack('Comment unliked successfully'),
    hidden: [{ param: 'commentId', expect: COMMENT_NOT_FOUND }],
  },
  'DELETE /like/comment/:commentId': {
    visible: ok('Comment unliked successfully'),
    hidden: [{ param: 'commentId', expect: COMMENT_NOT_FOUND }],
  },
  'PUT /like/communitypost/:postId': {
    visible: ok('Post liked successfully'),
    undo: deleteBack('Post unliked successfully'),
    hidden: [{ param: 'postId', expect: COMMUNITY_POST_NOT_FOUND }],
  },
  'DELETE /like/communitypost/:postId': {
    visible: ok('Post unliked successfully'),
    hidden: [{ param: 'postId', expect: COMMUNITY_POST_NOT_FOUND }],
  },
  'PUT /follower/:userId': {
    visible: ok('Followed successfully'),
    undo: deleteBack('Unfollowed successfully'),
    hidden: [{ param: 'userId', expect: USER_NOT_FOUND }],
  },
  'DELETE /follower/:userId': {
    visible: ok('Unfollowed successfully'),
    hidden: [{ param: 'userId', expect: USER_NOT_FOUND }],
  },
  // A's notification and an unknown id are the same 404 for B: the recipient is part of the query
  'POST /notifications/:notificationId/read': {
    visible: NOTIFICATION_NOT_FOUND,
    hidden: [{ param: 'notificationId', expect: NOTIFICATION_NOT_FOUND }],
  },
  // tus: a live upload of A and a terminated one are both out of B's reach
  'HEAD /uploads/:uploadId': {
    visible: UPLOAD_NOT_FOUND,
    hidden: [{ param: 'uploadId', expect: UPLOAD_NOT_FOUND }],
  },
  'PATCH /uploads/:uploadId': {
    visible: UPLOAD_NOT_FOUND,
    hidden: [{ param: 'uploadId', expect: UPLOAD_NOT_FOUND }],
  },
  'DELETE /uploads/:uploadId': {
    visible: UPLOAD_NOT_FOUND,
    hidden: [{ param: 'uploadId', expect: UPLOAD_NOT_FOUND }],
  },
  'DELETE /playlist/:playlistId/videos/:videoId': {
    visible: forbidden('You are not authorized to remove videos from this playlist'),
    hidden: [
      { param: 'playlistId', expect: PLAYLIST_NOT_FOUND },
      {
        param: 'videoId',
        expect: forbidden('You are not authorized to remove videos from this playlist'),
        note: "removing never checks the video (stale ids can be removed); A's playlist refuses with 403",
      },
    ],
  },
};

let t: TestApp;

describe('Object-level authorization sweep (invisible is 404 everywhere)', () => {
  let owner: TestUser;
  let attacker: TestUser;
  let pending: TestAccount;
  /** Per parameter name: A's visible values (the first is the default). */
  const visible = {} as Record<ParamName, string[]>;
  /** Per parameter name: hidden values (invisible to anyone but A, or invisible to all). */
  const hidden = {} as Record<ParamName, string[]>;
  /** B's own resources, for `ownFor`. */
  const own = {} as Partial<Record<ParamName, string>>;

  beforeAll(async () => {
    t = await createTestApp({ ...RELAXED_LIMITS });
    owner = await createVerifiedUser(t);
    attacker = await createVerifiedUser(t);
    pending = await createPendingUser(t);

    const publishedVideo = await insertVideo(t, owner.id, { isPublished: true });
    const unpublishedVideo = await insertVideo(t, owner.id, { isPublished: false });
    const publishedComment = await addComment(t, owner, { video: publishedVideo });
    const hiddenVideoComment = await insertComment(t, owner.id, { video: unpublishedVideo });
    const post = await createPost(t, owner);
    const postComment = await addComment(t, owner, { communityPost: post._id });
    // A post is visible when its owner is; P is pending, so P's post is hidden.
    const hiddenPost = await insertPost(t, pending.id);
    const hiddenPostComment = await insertComment(t, owner.id, { communityPost: hiddenPost });
    const publicPlaylist = await insertPlaylist(t, owner.id, {
      isPublished: true,
      videos: [publishedVideo],
    });
    const privatePlaylist = await insertPlaylist(t, owner.id, {
      isPublished: false,
      videos: [publishedVideo],
    });
    own.playlistId = await insertPlaylist(t, attacker.id, { isPublished: true });
    const revokedSession = (await signIn(t, owner)).sessionId;
    await t.connection
      .collection<{ _id: string }>('sessions')
      .updateOne({ _id: revokedSession }, { $set: { revokedAt: new Date() } });

    // A's notification (B followed A), and one of P's
    const notification = (recipient: string) =>
      t.connection
        .collection('notifications')
        .insertOne({
          recipient: new Types.ObjectId(recipient),
          type: 'follow',
          subjectKind: 'user',
          subject: new Types.ObjectId(attacker.id),
          excerpt: '',
          refs: [new Types.ObjectId(attacker.id)],
          windowStart: new Date(),
          actors: [new Types.ObjectId(attacker.id)],
          actorCount: 1,
          read: false,
          activityAt: new Date(),
          createdAt: new Date(),
          updatedAt: new Date(),
        })
        .then((result) => result.insertedId.toHexString());
    const ownerNotification = await notification(owner.id);
    const otherNotification = await notification(pending.id);
    const liveUpload = (await createUpload(t, owner.authHeader, 10)).id;
    const terminatedUpload = (await createUpload(t, owner.authHeader, 10)).id;
    await api(t)
      .delete(`${API}/uploads/${terminatedUpload}`)
      .set('Authorization', owner.authHeader)
      .set('Tus-Resumable', '1.0.0')
      .expect(204);

    Object.assign(visible, {
      videoId: [publishedVideo],
      commentId: [publishedComment._id, postComment._id],
      postId: [post._id],
      playlistId: [publicPlaylist],
      userId: [owner.id],
      username: [owner.username],
      sessionId: [owner.sessionId],
      notificationId: [ownerNotification],
      uploadId: [liveUpload],
    });
    Object.assign(hidden, {
      videoId: [unpublishedVideo],
      commentId: [hiddenVideoComment, hiddenPostComment],
      postId: [hiddenPost],
      playlistId: [privatePlaylist],
      userId: [pending.id],
      username: [pending.username],
      sessionId: [revokedSession],
      notificationId: [otherNotification],
      uploadId: [terminatedUpload],
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const keyOf = (route: RouteEntry): string => `${route.method} ${route.path}`;
  const paramsOf = (path: string): string[] =>
    [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
  const takesId = (route: RouteEntry): boolean =>
    paramsOf(route.path).some((name) => name.endsWith('Id') || name === 'username');
  const modeOf = (route: RouteEntry): unknown =>
    Reflect.getMetadata(AUTH_MODE_KEY, route.handlerFn) ??
    Reflect.getMetadata(AUTH_MODE_KEY, route.controllerClass);

  const fill = (path: string, values: Record<string, string>): string =>
    path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`no value for :${name} in ${path}`);
      return value;
    });

  function send(method: string, path: string, caller: TestUser | null, body?: Body) {
    const url = `${API}${path}`;
    let req: SupertestRequest;
    switch (method) {
      case 'GET':
        req = api(t).get(url);
        break;
      case 'POST':
        req = api(t).post(url);
        break;
      case 'PATCH':
        req = api(t).patch(url);
        break;
      case 'PUT':
        req = api(t).put(url);
        break;
      case 'DELETE':
        req = api(t).delete(url);
        break;
      case 'HEAD':
        req = api(t).head(url);
        break;
      default:
        throw new Error(`unexpected method ${method}`);
    }
    if (caller) req = req.set('Authorization', caller.authHeader);
    if (body === 'thumbnail-upload') return req.attach('thumbnail', tinyPng(), 'thumb.png');
    if (body !== undefined) return req.send(body);
    return req;
  }

  it('covers every id-taking route of the route table, and nothing else', () => {
    const routes = routeTable(t.app);
    const idRoutes = routes.filter(takesId).map(keyOf);
    const missing = idRoutes.filter((key) => !(key in EXPECTED));
    const stale = Object.keys(EXPECTED).filter((key) => !idRoutes.includes(key));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });

    // Every parameter must be one the world can fill, and every hideable one needs a hidden case.
    const gaps: string[] = [];
    for (const route of routes.filter(takesId)) {
      const spec = EXPECTED[keyOf(route)];
      for (const name of paramsOf(route.path)) {
        if (!PARAM_NAMES.includes(name as ParamName)) gaps.push(`${keyOf(route)}: :${name}`);
        else if (!spec?.hidden.some((h) => h.param === name))
          gaps.push(`${keyOf(route)}: no hidden case for :${name}`);
      }
    }
    expect(gaps).toEqual([]);
  });

  it('answers the expected 404/403/2xx for another user and anonymous, and refusals change nothing', async () => {
    const routes = routeTable(t.app).filter(takesId);
    const failures: string[] = [];
    let calls = 0;

    const defaults = (): Record<string, string> =>
      Object.fromEntries(PARAM_NAMES.map((name) => [name, visible[name][0]]));

    for (const route of routes) {
      const key = keyOf(route);
      const spec = EXPECTED[key];
      if (!spec) {
        failures.push(`${key}: id-taking route without an expected-outcome entry`);
        continue;
      }
      const names = paramsOf(route.path) as ParamName[];
      const mode = modeOf(route);
      const callers: (TestUser | null)[] =
        mode === AuthMode.Optional || mode === AuthMode.Public ? [attacker, null] : [attacker];

      // The scenarios: A's visible values (each variant of each parameter), then hidden ones.
      const scenarios: { label: string; values: Record<string, string>; expect: Outcome }[] = [];
      for (const name of names) {
        for (const value of visible[name]) {
          const values = { ...defaults(), [name]: value };
          const label = `visible ${names.map((n) => `${n}=${values[n]}`).join(' ')}`;
          if (!scenarios.some((s) => s.label === label))
            scenarios.push({ label, values, expect: spec.visible });
        }
      }
      for (const hiddenCase of spec.hidden) {
        for (const value of hidden[hiddenCase.param]) {
          const values = { ...defaults(), [hiddenCase.param]: value };
          for (const other of hiddenCase.ownFor ?? []) {
            const ownValue = own[other];
            if (!ownValue) throw new Error(`no own ${other}`);
            values[other] = ownValue;
          }
          scenarios.push({
            label: `hidden ${hiddenCase.param}=${value}${hiddenCase.ownFor ? ` (own ${hiddenCase.ownFor.join(',')})` : ''}`,
            values,
            expect: hiddenCase.expect,
          });
        }
      }

      for (const scenario of scenarios) {
        for (const caller of callers) {
          const who = caller ? 'B' : 'anonymous';
          const path = fill(route.path, scenario.values);
          const refused = scenario.expect.status >= 400;
          // Background jobs of earlier calls (notifications of a like and its undo) finish
          // first, so the snapshot pair sees this call's writes only.
          if (refused) await t.app.get(JobQueues).idle();
          const before = refused ? await snapshotDb(t) : undefined;
          const res = await send(route.method, path, caller, spec.body);
          calls += 1;
          // A HEAD answer has no body: its status is what can be compared.
          const isHead = route.method === 'HEAD';
          const actual = {
            status: res.status,
            message: isHead ? scenario.expect.message : (res.body?.message as unknown),
          };
          if (
            actual.status !== scenario.expect.status ||
            actual.message !== scenario.expect.message
          ) {
            failures.push(
              `${key} as ${who}, ${scenario.label}: expected ${scenario.expect.status} "${scenario.expect.message}", got ${actual.status} "${String(actual.message)}"`,
            );
          } else if (refused && !isHead) {
            const expectedCode = scenario.expect.status === 404 ? 'NOT_FOUND' : 'FORBIDDEN';
            if (res.body?.code !== expectedCode)
              failures.push(`${key} as ${who}, ${scenario.label}: code ${String(res.body?.code)}`);
          }
          if (before) {
            const changed = diffSnapshots(before, await snapshotDb(t));
            if (changed.length > 0)
              failures.push(
                `${key} as ${who}, ${scenario.label}: database changed by a refused call: ${changed.join('; ')}`,
              );
          } else if (res.status === scenario.expect.status && spec.undo && caller) {
            await spec.undo({ path, caller, data: res.body?.data });
            calls += 1;
          }
        }
      }
    }

    console.log(`object-authorization sweep: ${routes.length} routes swept, ${calls} calls made`);
    expect(failures).toEqual([]);
  }, 120_000);
});
