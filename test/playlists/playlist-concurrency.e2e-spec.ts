import { VideoCatalogueService } from 'src/modules/videos/video-catalogue.service';
import { createPlaylist, storedPlaylistVideos } from 'test/factories/playlists.factory';
import { createVerifiedUsers, type TestUser } from 'test/factories/users.factory';
import { insertVideo, uploadVideo } from 'test/factories/videos.factory';
import { API, api, RELAXED_LIMITS } from 'test/follows/social-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';

describe('Playlists under concurrency', () => {
  let t: TestApp;
  let owner: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    t = await createTestApp({
      ...RELAXED_LIMITS,
      PLAYLIST_MAX_VIDEOS: '5',
      // One scene uploads four videos of one owner at once; the upload cap is tested elsewhere.
      UPLOAD_MAX_CONCURRENT_PER_USER: '4',
    });
    [owner, other] = await createVerifiedUsers(t, 2);
  });
  afterAll(async () => {
    await t.close();
  });

  const add = (user: TestUser, playlistId: string, videoId: string) =>
    api(t)
      .post(`${API}/playlist/${playlistId}/videos/${videoId}`)
      .set('Authorization', user.authHeader);

  it('keeps one entry when the same video is added 20 times at once', async () => {
    const playlist = await createPlaylist(t, owner);
    const videoId = await insertVideo(t, owner.id);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => add(owner, playlist._id, videoId)),
    );
    expect(responses.map((res) => res.status)).toEqual(Array(20).fill(200));
    const messages = responses.map((res) => res.body.message as string);
    expect(messages.filter((m) => m === 'Video added to playlist successfully')).toHaveLength(1);
    expect(messages.filter((m) => m === 'Video is already in the playlist')).toHaveLength(19);
    expect(await storedPlaylistVideos(t, playlist._id)).toEqual([videoId]);
  });

  it('holds the configured cap under concurrent additions of different videos', async () => {
    const playlist = await createPlaylist(t, owner);
    const videoIds = await Promise.all(Array.from({ length: 10 }, () => insertVideo(t, owner.id)));
    const responses = await Promise.all(videoIds.map((id) => add(owner, playlist._id, id)));

    const added = responses.filter((res) => res.status === 200);
    const refused = responses.filter((res) => res.status === 400);
    expect(added).toHaveLength(5);
    expect(refused).toHaveLength(5);
    for (const res of refused) {
      expect(res.body).toMatchObject({
        code: 'BAD_REQUEST',
        message: 'Playlist cannot contain more than 5 videos',
      });
    }
    const stored = await storedPlaylistVideos(t, playlist._id);
    expect(stored).toHaveLength(5);
    expect(new Set(stored).size).toBe(5);
    // Every stored entry belongs to a request that was told it was added, in the order stored.
    const told = added.map((res) => (res.body.data.videos as string[]).at(-1));
    expect([...stored].sort()).toEqual([...(told as string[])].sort());
  });

  it('leaves no entry of a video deleted while it was being added', async () => {
    const mine = await createPlaylist(t, owner);
    const theirs = await createPlaylist(t, other);
    const videos = await Promise.all(
      Array.from({ length: 4 }, () => uploadVideo(t, owner, { isPublished: true })),
    );

    const outcomes = await Promise.all(
      videos.flatMap((video) => [
        add(owner, mine._id, video._id),
        add(other, theirs._id, video._id),
        api(t).delete(`${API}/video/${video._id}`).set('Authorization', owner.authHeader),
      ]),
    );
    for (const res of outcomes) {
      expect([200, 404]).toContain(res.status);
      if (res.status === 404) expect(res.body.message).toBe('Video not found');
    }
    const deleted = new Set(videos.map((video) => video._id));
    for (const playlist of [mine, theirs]) {
      const stored = await storedPlaylistVideos(t, playlist._id);
      expect(stored.filter((id) => deleted.has(id))).toEqual([]);
      const seen = await api(t)
        .get(`${API}/playlist/${playlist._id}`)
        .set('Authorization', owner.authHeader);
      expect(seen.body.data.totalVideos).toBe(0);
      expect(seen.body.data.videos).toEqual([]);
      expect(seen.body.data.playlistThumbnail).toBeNull();
    }
  });

  it('removes the entry and answers 404 when the video is deleted between its check and the append', async () => {
    const playlist = await createPlaylist(t, other);
    const video = await uploadVideo(t, owner, { isPublished: true });
    const videos = t.app.get(VideoCatalogueService);
    const check = videos.findVisibleOwnerId.bind(videos);
    // Force the unlucky interleaving: the deletion, cascade included, completes right after
    // the add's visibility check, so the cascade cannot see the entry appended next.
    const spy = jest
      .spyOn(videos, 'findVisibleOwnerId')
      .mockImplementationOnce(async (videoId, viewerId) => {
        const visible = await check(videoId, viewerId);
        await api(t)
          .delete(`${API}/video/${videoId}`)
          .set('Authorization', owner.authHeader)
          .expect(200);
        return visible;
      });
    try {
      const res = await add(other, playlist._id, video._id);
      expect(res.status).toBe(404);
      expect(res.body.message).toBe('Video not found');
    } finally {
      spy.mockRestore();
    }
    expect(await storedPlaylistVideos(t, playlist._id)).toEqual([]);
  });

  it('keeps totalVideos equal to the playlist’s listed videos for every caller while entries come and go', async () => {
    const playlist = await createPlaylist(t, owner);
    const hidden = await insertVideo(t, owner.id, { isPublished: false });
    const shown = await Promise.all([insertVideo(t, other.id), insertVideo(t, owner.id)]);
    await Promise.all([
      add(owner, playlist._id, hidden),
      ...shown.map((id) => add(owner, playlist._id, id)),
      api(t)
        .delete(`${API}/playlist/${playlist._id}/videos/${shown[0]}`)
        .set('Authorization', owner.authHeader),
    ]);
    const as = (viewer: TestUser | null, path: string) => {
      const req = api(t).get(`${API}/playlist${path}`);
      return viewer ? req.set('Authorization', viewer.authHeader) : req;
    };
    const lengths: number[] = [];
    for (const viewer of [owner, other, null]) {
      const detail = await as(viewer, `/${playlist._id}`);
      lengths.push(detail.body.data.videos.length);
      expect(detail.body.data.totalVideos).toBe(detail.body.data.videos.length);
      const cards = await as(viewer, `/user/${owner.id}`);
      const card = (cards.body.data as { _id: string; totalVideos: number }[]).find(
        (item) => item._id === playlist._id,
      );
      expect(card?.totalVideos).toBe(detail.body.data.videos.length);
    }
    // The removal may have run before or after its addition; either way the owner also sees
    // their hidden video and the others do not.
    const stored = await storedPlaylistVideos(t, playlist._id);
    const forOthers = stored.filter((id) => id !== hidden).length;
    expect(lengths).toEqual([stored.length, forOthers, forOthers]);
  });
});
