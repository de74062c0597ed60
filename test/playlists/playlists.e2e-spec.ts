import { Types } from 'mongoose';
import {
  createPlaylist,
  insertPlaylist,
  storedPlaylistVideos,
} from 'test/factories/playlists.factory';
import {
  createPendingUser,
  createVerifiedUser,
  createVerifiedUsers,
  type TestUser,
} from 'test/factories/users.factory';
import { insertVideo, uploadVideo } from 'test/factories/videos.factory';
import {
  API,
  api,
  expectError,
  expectSuccess,
  ISO_DATE,
  MISSING_ID,
  OBJECT_ID,
  CURSOR_PAGINATION_KEYS,
  RELAXED_LIMITS,
} from 'test/follows/social-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';
import { expectNoInternalFields, expectVideoCard } from 'test/videos/video-test.util';

const CARD_KEYS = [
  '_id',
  'name',
  'description',
  'isPublished',
  'owner',
  'totalVideos',
  'playlistThumbnail',
  'createdAt',
  'updatedAt',
];
const SUMMARY_KEYS = [...CARD_KEYS, 'videos'];

interface Card {
  _id: string;
  name: string;
  totalVideos: number;
  playlistThumbnail: string | null;
  updatedAt: string;
  videos?: unknown[];
}

const thumbOf = (videoId: string): string => `https://media.test/thumbnails/${videoId}`;

describe('Playlist: the `/playlist` routes', () => {
  let t: TestApp;
  let owner: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    t = await createTestApp(RELAXED_LIMITS);
    [owner, other] = await createVerifiedUsers(t, 2);
  });
  afterAll(async () => {
    await t.close();
  });

  const as = (user: TestUser | null) => ({
    get: (path: string) => {
      const req = api(t).get(`${API}/playlist${path}`);
      return user ? req.set('Authorization', user.authHeader) : req;
    },
    post: (path: string, body?: object) => {
      const req = api(t).post(`${API}/playlist${path}`);
      const signed = user ? req.set('Authorization', user.authHeader) : req;
      return body === undefined ? signed : signed.send(body);
    },
    patch: (path: string, body: object) => {
      const req = api(t).patch(`${API}/playlist${path}`);
      return (user ? req.set('Authorization', user.authHeader) : req).send(body);
    },
    delete: (path: string) => {
      const req = api(t).delete(`${API}/playlist${path}`);
      return user ? req.set('Authorization', user.authHeader) : req;
    },
  });

  /** A stored video whose thumbnail URL ends with its own id is easy to recognise. */
  const video = async (ownerId: string, isPublished = true, createdAt?: Date): Promise<string> => {
    const id = await insertVideo(t, ownerId, { isPublished, createdAt });
    await t.connection
      .collection('videos')
      .updateOne({ _id: new Types.ObjectId(id) }, { $set: { 'thumbnail.url': thumbOf(id) } });
    return id;
  };

  const expectCard = (card: Record<string, unknown>, keys: string[]): void => {
    expect(Object.keys(card)).toEqual(keys);
    expect(card._id).toMatch(OBJECT_ID);
    expect(Object.keys(card.owner as object)).toEqual(['_id', 'username', 'name', 'profileImage']);
    expect(card.createdAt).toMatch(ISO_DATE);
    expect(card.updatedAt).toMatch(ISO_DATE);
    expectNoInternalFields(card);
  };

  describe('POST /playlist', () => {
    it('creates a public, empty playlist by default and returns its PlaylistSummary', async () => {
      const res = await as(owner).post('', { name: '  Warm-ups  ' });
      expectSuccess(res, 201, 'Playlist created successfully');
      expectCard(res.body.data, SUMMARY_KEYS);
      expect(res.body.data).toMatchObject({
        name: 'Warm-ups',
        description: '',
        isPublished: true,
        owner: { _id: owner.id, username: owner.username, name: owner.name },
        totalVideos: 0,
        playlistThumbnail: null,
        videos: [],
      });
      expect(res.body.data.createdAt).toBe(res.body.data.updatedAt);
    });

    it('takes a description and a private flag', async () => {
      const res = await as(owner).post('', {
        name: 'Mine',
        description: ' notes ',
        isPublished: false,
      });
      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({ description: 'notes', isPublished: false });
    });

    it('validates every field with the documented messages', async () => {
      const cases: [object, string][] = [
        [{}, 'Playlist title is required'],
        [{ name: '   ' }, 'Playlist title is required'],
        [{ name: null }, 'Playlist title is required'],
        [{ name: 7 }, 'name must be a string'],
        [{ name: 'x'.repeat(101) }, 'Title must be at most 100 characters'],
        [
          { name: 'ok', description: 'd'.repeat(501) },
          'Description must be at most 500 characters',
        ],
        [{ name: 'ok', description: null }, 'description must be a string'],
        [{ name: 'ok', isPublished: 'true' }, 'isPublished must be a boolean'],
        [{ name: 'ok', videos: [] }, 'videos is not allowed'],
      ];
      for (const [body, message] of cases) {
        expectError(await as(owner).post('', body), 400, 'VALIDATION_ERROR', message);
      }
      const both = await as(owner).post('', { description: 'd'.repeat(501) });
      expect(both.body.message).toBe(
        'Playlist title is required, Description must be at most 500 characters',
      );
      const padded = await as(owner).post('', { name: `  ${'x'.repeat(100)}  ` });
      expect(padded.status).toBe(201);
    });

    it('answers 401 without credentials', async () => {
      expectError(await as(null).post('', { name: 'x' }), 401, 'UNAUTHORIZED', 'UNAUTHORIZED');
    });
  });

  describe('POST /playlist/:playlistId/videos/:videoId', () => {
    it('appends in order, treats a re-add as a no-op and moves updatedAt', async () => {
      const since = new Date(Date.now() - 60_000);
      const playlistId = await insertPlaylist(t, owner.id, { createdAt: since });
      const playlist = { _id: playlistId };
      const [a, b] = [await video(owner.id), await video(other.id)];

      const first = await as(owner).post(`/${playlist._id}/videos/${a}`);
      expectSuccess(first, 200, 'Video added to playlist successfully');
      expectCard(first.body.data, SUMMARY_KEYS);
      expect(first.body.data).toMatchObject({
        videos: [a],
        totalVideos: 1,
        playlistThumbnail: thumbOf(a),
      });
      expect(first.body.data.createdAt).toBe(since.toISOString());
      expect(first.body.data.updatedAt > since.toISOString()).toBe(true);

      const second = await as(owner).post(`/${playlist._id}/videos/${b}`);
      expect(second.body.data).toMatchObject({
        videos: [a, b],
        totalVideos: 2,
        playlistThumbnail: thumbOf(a),
      });

      const again = await as(owner).post(`/${playlist._id}/videos/${a}`);
      expectSuccess(again, 200, 'Video is already in the playlist');
      expect(again.body.data).toMatchObject({
        videos: [a, b],
        updatedAt: second.body.data.updatedAt,
      });
      expect(await storedPlaylistVideos(t, playlist._id)).toEqual([a, b]);

      const upper = await as(owner).post(
        `/${playlist._id.toUpperCase()}/videos/${b.toUpperCase()}`,
      );
      expectSuccess(upper, 200, 'Video is already in the playlist');
    });

    it('lets the owner add their own unpublished video, but not anyone else’s', async () => {
      const playlist = await createPlaylist(t, owner);
      const mineHidden = await video(owner.id, false);
      const theirsHidden = await video(other.id, false);

      const mine = await as(owner).post(`/${playlist._id}/videos/${mineHidden}`);
      expectSuccess(mine, 200, 'Video added to playlist successfully');
      expectError(
        await as(owner).post(`/${playlist._id}/videos/${theirsHidden}`),
        404,
        'NOT_FOUND',
        'Video not found',
      );
      expect(await storedPlaylistVideos(t, playlist._id)).toEqual([mineHidden]);
    });

    it('checks in order: playlist 404, then 403, then video 404', async () => {
      const theirsPublic = await createPlaylist(t, other, { isPublished: true });
      const theirsPrivate = await createPlaylist(t, other, { isPublished: false });
      const mine = await createPlaylist(t, owner);
      const published = await video(owner.id);

      expectError(
        await as(owner).post(`/${MISSING_ID}/videos/${MISSING_ID}`),
        404,
        'NOT_FOUND',
        'Playlist not found',
      );
      expectError(
        await as(owner).post(`/${theirsPrivate._id}/videos/${MISSING_ID}`),
        404,
        'NOT_FOUND',
        'Playlist not found',
      );
      expectError(
        await as(owner).post(`/${theirsPublic._id}/videos/${MISSING_ID}`),
        403,
        'FORBIDDEN',
        'You are not authorized to add videos to this playlist',
      );
      expectError(
        await as(owner).post(`/${mine._id}/videos/${MISSING_ID}`),
        404,
        'NOT_FOUND',
        'Video not found',
      );
      expect(await storedPlaylistVideos(t, theirsPublic._id)).toEqual([]);
      expectError(
        await as(null).post(`/${mine._id}/videos/${published}`),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );
    });

    it('names both malformed ids in one INVALID_ID', async () => {
      const res = await as(owner).post('/nope/videos/zzz');
      expectError(res, 400, 'INVALID_ID', 'Invalid ID');
      expect(res.body.errors).toEqual([
        { field: 'playlistId', location: 'params', message: 'Invalid ID' },
        { field: 'videoId', location: 'params', message: 'Invalid ID' },
      ]);
    });

    it('refuses a 501st entry with 400, but still answers a re-add as a no-op (cap 500)', async () => {
      const existing = await video(owner.id);
      // Entries of long-deleted videos still take their slots until removed.
      const entries = [
        existing,
        ...Array.from({ length: 499 }, () => new Types.ObjectId().toHexString()),
      ];
      const full = await insertPlaylist(t, owner.id, { videos: entries });
      const extra = await video(owner.id);

      expectError(
        await as(owner).post(`/${full}/videos/${extra}`),
        400,
        'BAD_REQUEST',
        'Playlist cannot contain more than 500 videos',
      );
      expectSuccess(
        await as(owner).post(`/${full}/videos/${existing}`),
        200,
        'Video is already in the playlist',
      );
      expect(await storedPlaylistVideos(t, full)).toHaveLength(500);

      // One slot frees up: the 500th entry fits.
      await as(owner).delete(`/${full}/videos/${entries[1]}`).expect(200);
      expectSuccess(
        await as(owner).post(`/${full}/videos/${extra}`),
        200,
        'Video added to playlist successfully',
      );
      const stored = await storedPlaylistVideos(t, full);
      expect(stored).toHaveLength(500);
      expect(stored[499]).toBe(extra);
    });
  });

  describe('DELETE /playlist/:playlistId/videos/:videoId', () => {
    it('removes the entry, keeps the order of the rest, and moves updatedAt', async () => {
      const [a, b, c] = [await video(owner.id), await video(owner.id), await video(owner.id)];
      const id = await insertPlaylist(t, owner.id, {
        videos: [a, b, c],
        createdAt: new Date(Date.now() - 60_000),
      });
      const res = await as(owner).delete(`/${id}/videos/${b}`);
      expectSuccess(res, 200, 'Video removed from playlist successfully');
      expectCard(res.body.data, SUMMARY_KEYS);
      expect(res.body.data).toMatchObject({
        videos: [a, c],
        totalVideos: 2,
        playlistThumbnail: thumbOf(a),
      });
      expect(res.body.data.updatedAt > res.body.data.createdAt).toBe(true);
      expect(await storedPlaylistVideos(t, id)).toEqual([a, c]);
    });

    it('answers 200 with no change for an id that is not there, and removes stale ids of deleted videos', async () => {
      const a = await video(owner.id);
      const stale = MISSING_ID;
      const since = new Date(Date.now() - 60_000);
      const id = await insertPlaylist(t, owner.id, { videos: [stale, a], createdAt: since });

      const absent = await as(owner).delete(`/${id}/videos/${'b'.repeat(24)}`);
      expectSuccess(absent, 200, 'Video removed from playlist successfully');
      expect(absent.body.data).toMatchObject({
        videos: [a],
        totalVideos: 1,
        updatedAt: since.toISOString(),
      });
      expect(await storedPlaylistVideos(t, id)).toEqual([stale, a]);

      const removed = await as(owner).delete(`/${id}/videos/${stale}`);
      expect(removed.status).toBe(200);
      expect(await storedPlaylistVideos(t, id)).toEqual([a]);
    });

    it('answers 404 for missing or someone else’s private playlist and 403 for their public one', async () => {
      const theirsPublic = await createPlaylist(t, other);
      const theirsPrivate = await createPlaylist(t, other, { isPublished: false });
      const theirVideo = await video(other.id);
      await api(t)
        .post(`${API}/playlist/${theirsPublic._id}/videos/${theirVideo}`)
        .set('Authorization', other.authHeader)
        .expect(200);

      expectError(
        await as(owner).delete(`/${MISSING_ID}/videos/${theirVideo}`),
        404,
        'NOT_FOUND',
        'Playlist not found',
      );
      expectError(
        await as(owner).delete(`/${theirsPrivate._id}/videos/${theirVideo}`),
        404,
        'NOT_FOUND',
        'Playlist not found',
      );
      expectError(
        await as(owner).delete(`/${theirsPublic._id}/videos/${theirVideo}`),
        403,
        'FORBIDDEN',
        'You are not authorized to remove videos from this playlist',
      );
      expect(await storedPlaylistVideos(t, theirsPublic._id)).toEqual([theirVideo]);
    });
  });

  describe('GET /playlist/:playlistId', () => {
    it('embeds full VideoCards in playlist order; hidden entries show to their owner only', async () => {
      const creator = await createVerifiedUser(t);
      const hiddenMine = await video(creator.id, false, new Date(Date.now() - 3000));
      const publicOther = await video(other.id, true, new Date(Date.now() - 2000));
      const hiddenOther = await video(other.id, false);
      const publicMine = await video(creator.id, true, new Date(Date.now() - 1000));
      // hiddenOther was added while it was public, then its owner unpublished it.
      const id = await insertPlaylist(t, creator.id, {
        videos: [hiddenMine, publicOther, hiddenOther, publicMine],
      });

      const byOwner = await as(creator).get(`/${id}`);
      expectSuccess(byOwner, 200, 'Playlist fetched successfully');
      expectCard(byOwner.body.data, SUMMARY_KEYS);
      const ownerCards = byOwner.body.data.videos as Record<string, unknown>[];
      ownerCards.forEach((card) => expectVideoCard(card));
      expect(ownerCards.map((card) => card._id)).toEqual([hiddenMine, publicOther, publicMine]);
      expect(byOwner.body.data).toMatchObject({
        totalVideos: 3,
        playlistThumbnail: thumbOf(hiddenMine),
        owner: { _id: creator.id, username: creator.username },
      });
      expect(ownerCards[1]).toMatchObject({
        owner: { _id: other.id, username: other.username },
        thumbnail: { url: thumbOf(publicOther) },
        isLiked: false,
      });

      for (const viewer of [other, null]) {
        const seen = await as(viewer).get(`/${id}`);
        const cards = seen.body.data.videos as { _id: string }[];
        const expected =
          viewer === other ? [publicOther, hiddenOther, publicMine] : [publicOther, publicMine];
        expect(cards.map((card) => card._id)).toEqual(expected);
        expect(seen.body.data.totalVideos).toBe(cards.length);
        expect(seen.body.data.playlistThumbnail).toBe(thumbOf(publicOther));
      }
    });

    it('answers 404 to others for a private playlist, as for a missing one', async () => {
      const hidden = await createPlaylist(t, owner, { isPublished: false });
      expectSuccess(await as(owner).get(`/${hidden._id}`), 200, 'Playlist fetched successfully');
      expectError(await as(other).get(`/${hidden._id}`), 404, 'NOT_FOUND', 'Playlist not found');
      expectError(await as(null).get(`/${hidden._id}`), 404, 'NOT_FOUND', 'Playlist not found');
      expectError(await as(null).get(`/${MISSING_ID}`), 404, 'NOT_FOUND', 'Playlist not found');
      expectError(await as(null).get('/123'), 400, 'INVALID_ID', 'Invalid ID');
    });

    it('gives an empty playlist a null thumbnail and no videos', async () => {
      const empty = await createPlaylist(t, owner);
      const res = await as(null).get(`/${empty._id}`);
      expect(res.body.data).toMatchObject({ videos: [], totalVideos: 0, playlistThumbnail: null });
    });
  });

  describe('PATCH /playlist/:playlistId', () => {
    it('writes only the given fields and returns the PlaylistSummary', async () => {
      const a = await video(owner.id);
      const created = await createPlaylist(t, owner, { name: 'Before', description: 'keep' });
      await as(owner).post(`/${created._id}/videos/${a}`).expect(200);

      const renamed = await as(owner).patch(`/${created._id}`, { name: '  After ' });
      expectSuccess(renamed, 200, 'Playlist updated successfully');
      expectCard(renamed.body.data, SUMMARY_KEYS);
      expect(renamed.body.data).toMatchObject({
        name: 'After',
        description: 'keep',
        isPublished: true,
        videos: [a],
      });

      const cleared = await as(owner).patch(`/${created._id}`, {
        description: '',
        isPublished: false,
      });
      expect(cleared.body.data).toMatchObject({
        name: 'After',
        description: '',
        isPublished: false,
        videos: [a],
      });
      expectError(await as(other).get(`/${created._id}`), 404, 'NOT_FOUND', 'Playlist not found');

      const unchanged = await as(owner).patch(`/${created._id}`, {});
      expectSuccess(unchanged, 200, 'Playlist updated successfully');
      expect(unchanged.body.data).toEqual(cleared.body.data);
    });

    it('never overwrites concurrent additions', async () => {
      const created = await createPlaylist(t, owner);
      const ids = await Promise.all(Array.from({ length: 6 }, () => video(owner.id)));
      await Promise.all([
        ...ids.map((id) => as(owner).post(`/${created._id}/videos/${id}`)),
        ...ids.map((_, index) => as(owner).patch(`/${created._id}`, { name: `Name ${index}` })),
      ]);
      expect((await storedPlaylistVideos(t, created._id)).sort()).toEqual([...ids].sort());
    });

    it('validates the body and checks 404 before 403', async () => {
      const mine = await createPlaylist(t, owner);
      const cases: [object, string][] = [
        [{ name: '  ' }, 'Playlist title is required'],
        [{ name: null }, 'name must be a string'],
        [{ name: 'n'.repeat(101) }, 'Title must be at most 100 characters'],
        [{ description: null }, 'description must be a string'],
        [{ description: 'd'.repeat(501) }, 'Description must be at most 500 characters'],
        [{ isPublished: 1 }, 'isPublished must be a boolean'],
        [{ owner: other.id }, 'owner is not allowed'],
      ];
      for (const [body, message] of cases) {
        expectError(await as(owner).patch(`/${mine._id}`, body), 400, 'VALIDATION_ERROR', message);
      }
      const theirsPublic = await createPlaylist(t, other);
      const theirsPrivate = await createPlaylist(t, other, { isPublished: false });
      expectError(
        await as(owner).patch(`/${theirsPublic._id}`, { name: 'mine now' }),
        403,
        'FORBIDDEN',
        'You are not authorized to update this playlist',
      );
      expectError(
        await as(owner).patch(`/${theirsPrivate._id}`, { name: 'x' }),
        404,
        'NOT_FOUND',
        'Playlist not found',
      );
      expectError(
        await as(owner).patch(`/${MISSING_ID}`, { name: 'x' }),
        404,
        'NOT_FOUND',
        'Playlist not found',
      );
      expectError(await as(owner).patch('/bad', { name: 'x' }), 400, 'INVALID_ID', 'Invalid ID');
    });
  });

  describe('DELETE /playlist/:playlistId', () => {
    it('deletes the owner’s playlist; others get 403 (public) or 404 (private)', async () => {
      const theirsPublic = await createPlaylist(t, other);
      const theirsPrivate = await createPlaylist(t, other, { isPublished: false });
      expectError(
        await as(owner).delete(`/${theirsPublic._id}`),
        403,
        'FORBIDDEN',
        'You are not authorized to delete this playlist',
      );
      expectError(
        await as(owner).delete(`/${theirsPrivate._id}`),
        404,
        'NOT_FOUND',
        'Playlist not found',
      );
      expectError(
        await as(null).delete(`/${theirsPublic._id}`),
        401,
        'UNAUTHORIZED',
        'UNAUTHORIZED',
      );

      const res = await as(other).delete(`/${theirsPrivate._id}`);
      expectSuccess(res, 200, 'Playlist deleted successfully');
      expect(res.body.data).toBeNull();
      expectError(
        await as(other).get(`/${theirsPrivate._id}`),
        404,
        'NOT_FOUND',
        'Playlist not found',
      );
      expectError(
        await as(other).delete(`/${theirsPrivate._id}`),
        404,
        'NOT_FOUND',
        'Playlist not found',
      );
    });
  });

  describe('GET /playlist/me', () => {
    it('pages all of the caller’s playlists, public and private, newest first', async () => {
      const me = await createVerifiedUser(t);
      const at = new Date(Date.now() - 60_000);
      const ids: string[] = [];
      for (let i = 0; i < 25; i++) {
        ids.push(await insertPlaylist(t, me.id, { isPublished: i % 2 === 0, createdAt: at }));
      }
      const seen: string[] = [];
      for (const page of [1, 2, 3]) {
        const res = await as(me).get(`/me?page=${page}&limit=10`);
        expectSuccess(res, 200, 'Playlists fetched successfully');
        expect(Object.keys(res.body.data)).toEqual(CURSOR_PAGINATION_KEYS);
        expect(res.body.data).toMatchObject({ totalDocs: 25, totalPages: 3, page, limit: 10 });
        (res.body.data.docs as Record<string, unknown>[]).forEach((doc) =>
          expectCard(doc, SUMMARY_KEYS),
        );
        seen.push(...(res.body.data.docs as Card[]).map((doc) => doc._id));
      }
      expect(seen).toEqual([...ids].sort((a, b) => (a < b ? 1 : -1)));
      const byDefault = await as(me).get('/me');
      expect(byDefault.body.data.docs).toHaveLength(10);
      expectError(
        await as(me).get('/me?limit=101'),
        400,
        'VALIDATION_ERROR',
        'limit must be an integer between 1 and 100',
      );
      expectError(await as(null).get('/me'), 401, 'UNAUTHORIZED', 'UNAUTHORIZED');
    });

    it('counts the caller’s own hidden videos but not others’', async () => {
      const me = await createVerifiedUser(t);
      const hiddenMine = await video(me.id, false);
      const hiddenOther = await video(other.id, false);
      const publicOther = await video(other.id);
      await insertPlaylist(t, me.id, { videos: [hiddenOther, hiddenMine, publicOther] });
      const res = await as(me).get('/me');
      expect(res.body.data.docs[0]).toMatchObject({
        videos: [hiddenMine, publicOther],
        totalVideos: 2,
        playlistThumbnail: thumbOf(hiddenMine),
      });
    });
  });

  describe('GET /playlist/user/:userId', () => {
    it('lists a user’s public playlists only, newest first, 20 by default; the owner sees the same', async () => {
      const creator = await createVerifiedUser(t);
      const base = Date.now() - 3_600_000;
      const publicIds: string[] = [];
      for (let i = 0; i < 25; i++) {
        publicIds.push(
          await insertPlaylist(t, creator.id, { createdAt: new Date(base + i * 1000) }),
        );
      }
      await insertPlaylist(t, creator.id, {
        isPublished: false,
        createdAt: new Date(base + 99_000),
      });
      const newestFirst = [...publicIds].reverse();

      for (const viewer of [null, other, creator]) {
        const res = await as(viewer).get(`/user/${creator.id}`);
        expectSuccess(res, 200, 'User playlists fetched successfully');
        expect(Array.isArray(res.body.data)).toBe(true);
        expect((res.body.data as Card[]).map((card) => card._id)).toEqual(newestFirst.slice(0, 20));
        (res.body.data as Record<string, unknown>[]).forEach((card) => expectCard(card, CARD_KEYS));
      }
      const second = await as(null).get(`/user/${creator.id}?page=2&limit=20`);
      expect((second.body.data as Card[]).map((card) => card._id)).toEqual(newestFirst.slice(20));
      const all = await as(null).get(`/user/${creator.id}?limit=100`);
      expect(all.body.data).toHaveLength(25);
    });

    it('counts entries visible to the caller: the owner’s hidden video only for the owner', async () => {
      const creator = await createVerifiedUser(t);
      const hidden = await video(creator.id, false);
      const shown = await video(creator.id);
      await insertPlaylist(t, creator.id, { videos: [hidden, shown] });
      const forOthers = await as(other).get(`/user/${creator.id}`);
      expect(forOthers.body.data[0]).toMatchObject({
        totalVideos: 1,
        playlistThumbnail: thumbOf(shown),
      });
      const forOwner = await as(creator).get(`/user/${creator.id}`);
      expect(forOwner.body.data[0]).toMatchObject({
        totalVideos: 2,
        playlistThumbnail: thumbOf(hidden),
      });
    });

    it('answers 404 User not found for unknown and pending users', async () => {
      const pending = await createPendingUser(t);
      expectError(await as(null).get(`/user/${MISSING_ID}`), 404, 'NOT_FOUND', 'User not found');
      expectError(await as(other).get(`/user/${pending.id}`), 404, 'NOT_FOUND', 'User not found');
      expectError(await as(null).get('/user/abc'), 400, 'INVALID_ID', 'Invalid ID');
    });
  });

  describe('GET /playlist/search', () => {
    it('finds public playlists by name, literally and case-insensitively, most recently changed first', async () => {
      const base = Date.now() - 3_600_000;
      const tag = `srch${Date.now().toString(36)}`;
      const older = await insertPlaylist(t, owner.id, {
        name: `${tag} Salsa`,
        updatedAt: new Date(base),
      });
      const newer = await insertPlaylist(t, other.id, {
        name: `My ${tag.toUpperCase()} mix`,
        updatedAt: new Date(base + 1000),
      });
      await insertPlaylist(t, owner.id, { name: `${tag} private`, isPublished: false });
      await insertPlaylist(t, owner.id, { name: 'unrelated', description: `about ${tag}` });

      for (const viewer of [null, owner]) {
        const res = await as(viewer).get(`/search?query=${tag}`);
        expectSuccess(res, 200, 'Playlists fetched successfully');
        expect((res.body.data as Card[]).map((card) => card._id)).toEqual([newer, older]);
        (res.body.data as Record<string, unknown>[]).forEach((card) => expectCard(card, CARD_KEYS));
      }
    });

    it('matches regex metacharacters literally and never fails on them', async () => {
      const tag = `meta${Date.now().toString(36)}`;
      const names = ['Open ( paren', 'dot .* star', 'range [a- open', 'back \\ slash', 'abc'].map(
        (name) => `${tag} ${name}`,
      );
      const ids = await Promise.all(names.map((name) => insertPlaylist(t, owner.id, { name })));
      const probes: [string, string][] = [
        ['(', ids[0]],
        ['.*', ids[1]],
        ['[a-', ids[2]],
        ['\\', ids[3]],
      ];
      for (const [text, id] of probes) {
        const res = await as(null).get('/search').query({ query: text });
        expect(res.status).toBe(200);
        expect((res.body.data as Card[]).map((card) => card._id)).toEqual([id]);
      }
      // As a pattern, `a.c` would match "abc"; as text it matches nothing here.
      const noMatch = await as(null)
        .get('/search')
        .query({ query: `${tag} a.c` });
      expect(noMatch.body.data).toEqual([]);
      const literal = await as(null)
        .get('/search')
        .query({ query: `${tag} abc` });
      expect((literal.body.data as Card[]).map((card) => card._id)).toEqual([ids[4]]);
    });

    it('answers [] for an empty query and honours the default limit of 20', async () => {
      const tag = `many${Date.now().toString(36)}`;
      await Promise.all(
        Array.from({ length: 25 }, () => insertPlaylist(t, other.id, { name: `${tag} list` })),
      );
      for (const query of ['', '?query=', '?query=%20%20']) {
        const res = await as(null).get(`/search${query}`);
        expectSuccess(res, 200, 'Playlists fetched successfully');
        expect(res.body.data).toEqual([]);
      }
      expect((await as(null).get(`/search?query=${tag}`)).body.data).toHaveLength(20);
      expect((await as(null).get(`/search?query=${tag}&page=2`)).body.data).toHaveLength(5);
      expect((await as(null).get(`/search?query=${tag}&limit=100`)).body.data).toHaveLength(25);
      expectError(
        await as(null).get(`/search?query=${'q'.repeat(101)}`),
        400,
        'VALIDATION_ERROR',
        'query must be at most 100 characters',
      );
      expectError(
        await as(null).get('/search?limit=0'),
        400,
        'VALIDATION_ERROR',
        'limit must be an integer between 1 and 100',
      );
    });

    it('counts and shows only published entries to others', async () => {
      const tag = `vis${Date.now().toString(36)}`;
      const hidden = await video(owner.id, false);
      const shown = await video(owner.id);
      await insertPlaylist(t, owner.id, { name: tag, videos: [hidden, shown] });
      const res = await as(other).get(`/search?query=${tag}`);
      expect(res.body.data[0]).toMatchObject({ totalVideos: 1, playlistThumbnail: thumbOf(shown) });
      const own = await as(owner).get(`/search?query=${tag}`);
      expect(own.body.data[0]).toMatchObject({
        totalVideos: 2,
        playlistThumbnail: thumbOf(hidden),
      });
    });
  });

  describe('video deletion (the delete cascade)', () => {
    it('pulls the deleted video from every playlist; the rest keep their order', async () => {
      const uploaded = await uploadVideo(t, owner, { isPublished: true });
      const keep = await video(owner.id);
      const mine = await insertPlaylist(t, owner.id, { videos: [uploaded._id, keep] });
      const theirs = await insertPlaylist(t, other.id, { videos: [keep, uploaded._id] });

      await api(t)
        .delete(`${API}/video/${uploaded._id}`)
        .set('Authorization', owner.authHeader)
        .expect(200);
      expect(await storedPlaylistVideos(t, mine)).toEqual([keep]);
      expect(await storedPlaylistVideos(t, theirs)).toEqual([keep]);
      const seen = await as(other).get(`/${theirs}`);
      expect(seen.body.data).toMatchObject({ totalVideos: 1, playlistThumbnail: thumbOf(keep) });
    });
  });
});
