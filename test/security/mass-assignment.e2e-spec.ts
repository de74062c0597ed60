import { Types } from 'mongoose';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import type { Test as SupertestRequest } from 'supertest';
import { AUTH_MODE_KEY, AuthMode } from 'src/common/decorators/auth-mode.decorator';
import { addComment } from 'test/factories/comments.factory';
import { insertPlaylist } from 'test/factories/playlists.factory';
import { createPost } from 'test/factories/posts.factory';
import { createUpload, OFFSET_STREAM, TUS } from 'test/uploads/tus-test.util';
import {
  createVerifiedUser,
  DEFAULT_TEST_PASSWORD,
  signIn,
  type TestUser,
} from 'test/factories/users.factory';
import { uploadVideo } from 'test/factories/videos.factory';
import { tinyMp4, tinyPng } from 'test/fixtures/media.fixture';
import { API, api } from 'test/follows/social-test.util';
import { diffSnapshots, snapshotDb } from 'test/security/db-snapshot.util';
import { type RouteEntry, routeTable } from 'test/utils/route-table';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * Issue 6, "Mass assignment": an unknown body property is a 400 (docs/api.md#requests), so is an
 * unlisted multipart text field (docs/api.md#uploads), and a refused call has no side effect.
 *
 * For every write route of the route table: its minimal valid body plus one extra property, either
 * `unknownField` or a privileged one the route's DTO does not declare. Expected: 400
 * VALIDATION_ERROR naming exactly that property, and the database unchanged. Guest routes are
 * called anonymously; the others by a signed-in user on that user's own resources, so the extra
 * property is the only reason to refuse. A write route missing from BODIES fails the test.
 */

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const PRIVILEGED: Record<string, unknown> = {
  owner: '65f1c2e8b3f4a0012ab34cd0',
  isVerified: true,
  views: 1000000,
  likesCount: 1000000,
  _id: '65f1c2e8b3f4a0012ab34cd1',
  role: 'admin',
};

type FileField = 'video' | 'thumbnail' | 'profileImage';

/** A body field: a text or flag, or a nested object (the notification preferences). */
type BodyValue = string | boolean | Record<string, boolean>;

interface BodySpec {
  /** The properties the route's DTO declares (privileged ones among them are not sent). */
  fields: string[];
  /** The minimal valid JSON body, or the multipart text fields. */
  body: Record<string, BodyValue>;
  /** Multipart routes: the files that make the request otherwise valid. */
  files?: FileField[];
  /**
   * tus routes (docs/api.md#resumable-uploads) take upload data, never a JSON body: any JSON body
   * is refused whole (415), so a smuggled property cannot get in either. Their minimal request is
   * the protocol's own: a creation of 10 bytes, or those 10 bytes at offset 0.
   */
  tus?: 'create' | 'patch';
  /**
   * A webhook authenticated by a signature over its exact body (`POST /webhooks/cloudinary`,
   * docs/api.md#processing): the body is the provider's document, read only for the derivative it
   * names, never assigned. Unsigned, with or without an extra property, it is 401 and changes
   * nothing; the signed path is test/videos/video-cloudinary-hls.e2e-spec.ts.
   */
  signed?: true;
}

const json = (fields: string[], body: Record<string, BodyValue> = {}): BodySpec => ({
  fields,
  body,
});

/** Keyed by `METHOD path`, from the controllers' body DTOs. */
const BODIES: Record<string, BodySpec> = {
  // Auth (guest routes are called anonymously)
  'POST /auth/register': json(['name', 'email', 'username', 'password'], {
    name: 'Mass Tester',
    email: 'mass.tester@example.test',
    username: 'mass_tester',
    password: 'dance floor 42',
  }),
  'POST /auth/verify-account': json(['email', 'code'], {
    email: 'mass.tester@example.test',
    code: '123456',
  }),
  'POST /auth/resend-verification': json(['email'], { email: 'mass.tester@example.test' }),
  'POST /auth/login': json(['identifier', 'password'], {
    identifier: 'mass_tester',
    password: 'dance floor 42',
  }),
  // Bodyless; called with the user's refresh-token cookie
  'POST /auth/refresh-token': json([]),
  'POST /auth/forgot-password': json(['email'], { email: 'mass.tester@example.test' }),
  'POST /auth/reset-password': json(['email', 'code', 'newPassword'], {
    email: 'mass.tester@example.test',
    code: '123456',
    newPassword: 'another floor 7',
  }),
  'POST /auth/change-password': json(['oldPassword', 'newPassword'], {
    oldPassword: DEFAULT_TEST_PASSWORD,
    newPassword: 'another floor 7',
  }),
  'POST /auth/logout': json([]),
  // X7: bodyless; the :sessionId is another session of the same user
  'DELETE /auth/sessions': json([]),
  'DELETE /auth/sessions/:sessionId': json([]),
  // User
  'PATCH /user/name': json(['name'], { name: 'Renamed' }),
  'PATCH /user/email': json(['email', 'password'], {
    email: 'renamed@example.test',
    password: DEFAULT_TEST_PASSWORD,
  }),
  'POST /user/email/verify': json(['code'], { code: '123456' }),
  'PATCH /user/profileimage': { fields: [], body: {}, files: ['profileImage'] },
  'PATCH /user/bio': json(['bio'], { bio: 'Dancer' }),
  'DELETE /user/history': json([]),
  // Video
  'POST /video': {
    fields: ['title', 'description', 'isPublished'],
    body: { title: 'Mass upload', isPublished: 'true' },
    files: ['video', 'thumbnail'],
  },
  'PATCH /video/thumbnail/:videoId': { fields: [], body: {}, files: ['thumbnail'] },
  'PATCH /video/publish-status/:videoId': json(['isPublished']),
  'PATCH /video/:videoId': json(['title', 'description'], { title: 'Retitled' }),
  'DELETE /video/:videoId': json([]),
  // Bodyless: a retry of the caller's failed processing
  'POST /video/:videoId/processing/retry': json([]),
  // Like
  'POST /like/toggle-video-like/:videoId': json([]),
  'POST /like/toggle-comment-like/:commentId': json([]),
  'POST /like/toggle-community-post-like/:postId': json([]),
  'PUT /like/video/:videoId': json([]),
  'DELETE /like/video/:videoId': json([]),
  'PUT /like/comment/:commentId': json([]),
  'DELETE /like/comment/:commentId': json([]),
  'PUT /like/communitypost/:postId': json([]),
  'DELETE /like/communitypost/:postId': json([]),
  // Comment
  'POST /comment/video-comments/:videoId': json(['content'], { content: 'Nice' }),
  'POST /comment/post-comments/:postId': json(['content'], { content: 'Nice' }),
  'PATCH /comment/:commentId': json(['content'], { content: 'Edited' }),
  'POST /comment/:commentId/replies': json(['content'], { content: 'Agreed' }),
  'DELETE /comment/:commentId': json([]),
  // Follower (the :userId is another user: following oneself is refused for another reason)
  'POST /follower/toggle/:userId': json([]),
  // X3: the idempotent state routes are bodyless
  'PUT /follower/:userId': json([]),
  'DELETE /follower/:userId': json([]),
  // Notifications (the :notificationId is the user's own)
  'POST /notifications/read-all': json([]),
  'POST /notifications/:notificationId/read': json([]),
  'PATCH /notifications/preferences': json(
    [
      'follow',
      'video_like',
      'comment_like',
      'post_like',
      'video_comment',
      'post_comment',
      'comment_reply',
      'new_video',
      'video_ready',
      'video_processing_failed',
    ],
    { follow: { inApp: false } },
  ),
  // Community post
  'POST /communitypost': json(['content'], { content: 'Hello' }),
  'PATCH /communitypost/:postId': json(['content'], { content: 'Edited' }),
  'DELETE /communitypost/:postId': json([]),
  // Playlist
  'POST /playlist': json(['name', 'description', 'isPublished'], { name: 'Mass list' }),
  'PATCH /playlist/:playlistId': json(['name', 'description', 'isPublished'], {
    name: 'Renamed list',
  }),
  'DELETE /playlist/:playlistId': json([]),
  'POST /playlist/:playlistId/videos/:videoId': json([]),
  'DELETE /playlist/:playlistId/videos/:videoId': json([]),
  // tus: the :uploadId is a live upload of the user; its DELETE is bodyless like the others
  'POST /uploads': { fields: [], body: {}, tus: 'create' },
  'PATCH /uploads/:uploadId': { fields: [], body: {}, tus: 'patch' },
  'DELETE /uploads/:uploadId': json([]),
  'POST /webhooks/cloudinary': { fields: [], body: {}, signed: true },
};

const FILES: Record<FileField, () => [Buffer, string]> = {
  video: () => [tinyMp4(), 'clip.mp4'],
  thumbnail: () => [tinyPng(), 'thumb.png'],
  profileImage: () => [tinyPng(), 'avatar.png'],
};

describe('Mass assignment: write routes refuse unknown and privileged properties', () => {
  let t: TestApp;
  let user: TestUser;
  let other: TestUser;
  /** The signed-in user's own resources (the follow target is another user). */
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_GLOBAL: '1000000',
      RATE_LIMIT_LOGIN: '1000000',
      RATE_LIMIT_REGISTER: '1000000',
      RATE_LIMIT_CODE_CHECK: '1000000',
      RATE_LIMIT_EMAIL_SEND: '1000000',
      RATE_LIMIT_LOGIN_FAILURES: '1000000',
    });
    user = await createVerifiedUser(t);
    other = await createVerifiedUser(t);
    // Uploaded for real, so the control's thumbnail replacement and delete find stored media.
    const videoId = (await uploadVideo(t, user, { isPublished: true }))._id;
    const comment = await addComment(t, user, { video: videoId });
    const post = await createPost(t, user);
    Object.assign(ids, {
      videoId,
      commentId: comment._id,
      postId: post._id,
      playlistId: await insertPlaylist(t, user.id, { videos: [videoId] }),
      userId: other.id,
      sessionId: (await signIn(t, user)).sessionId,
      uploadId: (await createUpload(t, user.authHeader, 10)).id,
      notificationId: (
        await t.connection.collection('notifications').insertOne({
          recipient: new Types.ObjectId(user.id),
          type: 'follow',
          subjectKind: 'user',
          subject: new Types.ObjectId(other.id),
          excerpt: '',
          refs: [new Types.ObjectId(other.id)],
          windowStart: new Date(),
          actors: [new Types.ObjectId(other.id)],
          actorCount: 1,
          read: false,
          activityAt: new Date(),
        })
      ).insertedId.toHexString(),
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const keyOf = (route: RouteEntry): string => `${route.method} ${route.path}`;
  const modeOf = (route: RouteEntry): unknown =>
    Reflect.getMetadata(AUTH_MODE_KEY, route.handlerFn) ??
    Reflect.getMetadata(AUTH_MODE_KEY, route.controllerClass);
  const writeRoutes = (): RouteEntry[] =>
    routeTable(t.app).filter((route) => WRITE_METHODS.has(route.method));

  function open(method: string, url: string): SupertestRequest {
    switch (method) {
      case 'POST':
        return api(t).post(url);
      case 'PATCH':
        return api(t).patch(url);
      case 'PUT':
        return api(t).put(url);
      case 'DELETE':
        return api(t).delete(url);
      default:
        throw new Error(`unexpected method ${method}`);
    }
  }

  function send(
    route: RouteEntry,
    spec: BodySpec,
    extra: Record<string, unknown>,
    session: Pick<TestUser, 'authHeader' | 'refreshToken'> = user,
  ) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
      const value = ids[name];
      if (value === undefined) throw new Error(`no id for :${name} in ${route.path}`);
      return value;
    });
    let req = open(route.method, `${API}${path}`);
    const mode = modeOf(route);
    if (mode === AuthMode.RefreshToken)
      req = req.set('Cookie', `refreshToken=${session.refreshToken}`);
    else if (mode !== AuthMode.Guest && mode !== AuthMode.Public)
      req = req.set('Authorization', session.authHeader);
    if (spec.tus) {
      req = req.set(TUS);
      if (spec.tus === 'create') req = req.set('Upload-Length', '10');
      else req = req.set('Upload-Offset', '0');
      if (Object.keys(extra).length > 0) return req.send(extra);
      return spec.tus === 'create'
        ? req
        : req.set('Content-Type', OFFSET_STREAM).send(Buffer.alloc(10));
    }
    if (spec.files) {
      for (const [name, value] of Object.entries({ ...spec.body, ...extra }))
        req = req.field(name, String(value));
      for (const field of spec.files) {
        const [content, filename] = FILES[field]();
        req = req.attach(field, content, filename);
      }
      return req;
    }
    return req.send({ ...spec.body, ...extra });
  }

  it('has a body for every write route of the route table, and no stale entry', () => {
    const keys = writeRoutes().map(keyOf);
    expect(keys.length).toBeGreaterThan(0);
    const missing = keys.filter((key) => !(key in BODIES));
    const stale = Object.keys(BODIES).filter((key) => !keys.includes(key));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
    // A minimal body only uses the route's own fields.
    const strays = Object.entries(BODIES).flatMap(([key, spec]) =>
      Object.keys(spec.body)
        .filter((field) => !spec.fields.includes(field))
        .map((field) => `${key}: ${field}`),
    );
    expect(strays).toEqual([]);
  });

  it('answers 400 `<field> is not allowed` and changes nothing', async () => {
    const failures: string[] = [];
    let routes = 0;
    let cases = 0;
    for (const route of writeRoutes()) {
      const key = keyOf(route);
      const spec = BODIES[key];
      if (!spec) {
        failures.push(`${key}: write route without a body entry`);
        continue;
      }
      routes += 1;
      const extras: Record<string, unknown>[] = [
        { unknownField: 1 },
        ...Object.entries(PRIVILEGED)
          .filter(([field]) => !spec.fields.includes(field))
          .map(([field, value]) => ({
            [field]: field === '_id' ? new Types.ObjectId().toHexString() : value,
          })),
      ];
      for (const extra of extras) {
        const field = Object.keys(extra)[0];
        // Background jobs of earlier calls finish first (notifications of the controls).
        await t.app.get(JobQueues).idle();
        const before = await snapshotDb(t);
        const res = await send(route, spec, extra);
        cases += 1;
        const expected = spec.signed
          ? {
              status: 401,
              code: 'UNAUTHORIZED',
              message: 'Invalid notification signature',
              errors: undefined,
            }
          : spec.tus
            ? {
                status: 415,
                code: 'UNSUPPORTED_MEDIA_TYPE',
                message: 'Upload data must be sent as application/offset+octet-stream',
                errors: undefined,
              }
            : {
                status: 400,
                code: 'VALIDATION_ERROR',
                message: `${field} is not allowed`,
                errors: [{ field, location: 'body', message: `${field} is not allowed` }],
              };
        const actual = {
          status: res.status,
          code: res.body?.code as unknown,
          message: res.body?.message as unknown,
          errors: res.body?.errors as unknown,
        };
        if (JSON.stringify(actual) !== JSON.stringify(expected))
          failures.push(`${key} + ${field}: got ${JSON.stringify(actual)}`);
        const changed = diffSnapshots(before, await snapshotDb(t));
        if (changed.length > 0)
          failures.push(`${key} + ${field}: database changed: ${changed.join('; ')}`);
      }
    }
    console.log(`mass-assignment: ${routes} write routes checked, ${cases} cases`);
    expect(failures).toEqual([]);
  }, 120_000);

  /**
   * Control, run last because it performs the real actions: each minimal body alone gets past
   * authentication, validation and the upload checks, so in the cases above the extra property
   * was the only reason to refuse. Each call gets a fresh session (logout and refresh end theirs);
   * later routes may meet a 404 or 409 left by earlier ones, which is fine here.
   */
  it('control: every minimal body alone passes authentication, validation and upload checks', async () => {
    const refused: string[] = [];
    for (const route of writeRoutes()) {
      const spec = BODIES[keyOf(route)];
      // A signed webhook has no session-based control: its signature is the authentication.
      if (!spec || spec.signed) continue;
      const res = await send(route, spec, {}, await signIn(t, user));
      const code = res.body?.code as string | undefined;
      if (
        code === 'UNAUTHORIZED' ||
        code === 'ACCESS_TOKEN_EXPIRED' ||
        res.status === 413 ||
        res.status === 415 ||
        code === 'VALIDATION_ERROR' ||
        code === 'INVALID_ID'
      )
        refused.push(`${keyOf(route)}: ${res.status} ${code} ${String(res.body?.message)}`);
    }
    expect(refused).toEqual([]);
  }, 120_000);
});
