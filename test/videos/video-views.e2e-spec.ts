import { Types } from 'mongoose';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { uploadVideo } from 'test/factories/videos.factory';
import { api, expectError } from 'test/videos/video-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';

const HOUR = 3_600_000;

/** Views on the watch page: at most one counted view per viewer per window, race-safe. */
describe('video views', () => {
  let t: TestApp;
  let owner: TestUser;

  beforeAll(async () => {
    // One trusted proxy hop, so tests can present several client IPs through X-Forwarded-For.
    t = await createTestApp({ TRUST_PROXY: '1', VIEW_HASH_SALT: 'views-test-salt-0123456789' });
    owner = await createVerifiedUser(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const markers = () => t.connection.collection('videoviews');
  const history = () => t.connection.collection('watchhistories');

  function view(videoId: string, who: { user?: TestUser; ip?: string; ua?: string } = {}) {
    let req = api(t)
      .get(`/api/v1/video/${videoId}`)
      .set('User-Agent', who.ua ?? 'Browser/1.0')
      .set('X-Forwarded-For', who.ip ?? '203.0.113.10');
    if (who.user) req = req.set('Authorization', who.user.authHeader);
    return req;
  }

  /** The stored count, read without counting a view. */
  async function storedViews(videoId: string): Promise<number> {
    const doc = await t.connection
      .collection('videos')
      .findOne({ _id: new Types.ObjectId(videoId) });
    return (doc?.views as number | undefined) ?? -1;
  }

  async function published(): Promise<string> {
    return (await uploadVideo(t, owner, { isPublished: true }))._id;
  }

  it('counts an anonymous viewer once, keyed by IP and User-Agent, and returns the count including the view', async () => {
    const id = await published();
    expect((await view(id)).body.data.views).toBe(1);
    expect((await view(id)).body.data.views).toBe(1);
    expect((await view(id, { ua: 'OtherBrowser/2.0' })).body.data.views).toBe(2);
    expect((await view(id, { ip: '198.51.100.7' })).body.data.views).toBe(3);
    expect((await view(id, { ip: '198.51.100.7' })).body.data.views).toBe(3);
    expect(await storedViews(id)).toBe(3);
  });

  it('stores anonymous viewers as a salted hash, never the address', async () => {
    const id = await published();
    await view(id, { ip: '192.0.2.55', ua: 'Hash/1.0' }).expect(200);
    const stored = await markers()
      .find({ video: new Types.ObjectId(id) })
      .toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0].viewerKey).toMatch(/^a:[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain('192.0.2.55');
  });

  it('counts a signed-in viewer once, whatever device or address they use', async () => {
    const id = await published();
    const viewer = await createVerifiedUser(t);
    expect((await view(id, { user: viewer })).body.data.views).toBe(1);
    expect(
      (await view(id, { user: viewer, ua: 'Phone/9', ip: '198.51.100.99' })).body.data.views,
    ).toBe(1);
    const stored = await markers()
      .find({ video: new Types.ObjectId(id) })
      .toArray();
    expect(stored.map((marker): unknown => marker.viewerKey)).toEqual([`u:${viewer.id}`]);
  });

  it('counts 20 parallel GETs by one user once', async () => {
    const id = await published();
    const viewer = await createVerifiedUser(t);
    const results = await Promise.all(Array.from({ length: 20 }, () => view(id, { user: viewer })));
    expect(results.map((res) => res.status)).toEqual(Array(20).fill(200));
    expect(await storedViews(id)).toBe(1);
    // Every answer shows either the count before or after the one counted view.
    for (const res of results) expect([0, 1]).toContain(res.body.data.views);
    expect(results.filter((res) => res.body.data.views === 1).length).toBeGreaterThanOrEqual(1);
  });

  it('counts 20 parallel anonymous GETs from one browser once', async () => {
    const id = await published();
    await Promise.all(
      Array.from({ length: 20 }, () => view(id, { ip: '203.0.113.77', ua: 'Same/1' })),
    );
    expect(await storedViews(id)).toBe(1);
  });

  it('never counts the owner, and still writes the owner’s history', async () => {
    const id = await published();
    for (let i = 0; i < 3; i++) expect((await view(id, { user: owner })).body.data.views).toBe(0);
    expect(await storedViews(id)).toBe(0);
    expect(await markers().countDocuments({ video: new Types.ObjectId(id) })).toBe(0);
    expect(
      await history().countDocuments({
        video: new Types.ObjectId(id),
        user: new Types.ObjectId(owner.id),
      }),
    ).toBe(1);
  });

  it('never counts a HEAD and writes no history for it, with the status and headers of GET', async () => {
    const id = await published();
    const viewer = await createVerifiedUser(t);
    for (const who of [{ user: viewer }, {}]) {
      const res = await api(t)
        .head(`/api/v1/video/${id}`)
        .set('User-Agent', 'Browser/1.0')
        .set(who.user ? { Authorization: who.user.authHeader } : {});
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.text ?? '').toBe('');
    }
    expect(await storedViews(id)).toBe(0);
    expect(await markers().countDocuments({ video: new Types.ObjectId(id) })).toBe(0);
    expect(await history().countDocuments({ video: new Types.ObjectId(id) })).toBe(0);
  });

  it('never counts a 404, so the first real view after publishing counts', async () => {
    const video = await uploadVideo(t, owner, { isPublished: false });
    const viewer = await createVerifiedUser(t);
    expectError(await view(video._id, { user: viewer }), 404, 'NOT_FOUND', 'Video not found');
    expectError(await view(video._id), 404, 'NOT_FOUND', 'Video not found');
    expect(await markers().countDocuments({ video: new Types.ObjectId(video._id) })).toBe(0);
    expect(await history().countDocuments({ user: new Types.ObjectId(viewer.id) })).toBe(0);

    await api(t)
      .patch(`/api/v1/video/publish-status/${video._id}`)
      .set('Authorization', owner.authHeader)
      .expect(200);
    expect((await view(video._id, { user: viewer })).body.data.views).toBe(1);
  });

  it('counts the same viewer again once the window (6 h by default) has passed, and only then', async () => {
    const id = await published();
    const viewer = await createVerifiedUser(t);
    await view(id, { user: viewer }).expect(200);
    const filter = { video: new Types.ObjectId(id), viewerKey: `u:${viewer.id}` };

    await markers().updateOne(filter, { $set: { lastCountedAt: new Date(Date.now() - 5 * HOUR) } });
    expect((await view(id, { user: viewer })).body.data.views).toBe(1);

    await markers().updateOne(filter, {
      $set: { lastCountedAt: new Date(Date.now() - 6 * HOUR - 1000) },
    });
    expect((await view(id, { user: viewer })).body.data.views).toBe(2);
    // The marker moved to now: the next one is inside the window again.
    expect((await view(id, { user: viewer })).body.data.views).toBe(2);
    expect(await markers().countDocuments(filter)).toBe(1);
  });

  it('does not change updatedAt when a view is counted', async () => {
    const video = await uploadVideo(t, owner, { isPublished: true });
    const res = await view(video._id);
    expect(res.body.data.views).toBe(1);
    expect(res.body.data.updatedAt).toBe(video.updatedAt);
  });
});
