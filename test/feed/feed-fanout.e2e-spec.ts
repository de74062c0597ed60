import { Types } from 'mongoose';
import { createVerifiedUser } from 'test/factories/users.factory';
import { uploadVideo } from 'test/factories/videos.factory';
import { countEntries, feedIds, insertFollows, settle } from 'test/feed/feed-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';

const FOLLOWERS = 5000;

/**
 * The fan-out delay docs/architecture.md quotes ("Following feed"): a creator with 5,000
 * followers publishes, with the default batches of 1,000. The upload is answered at once; the
 * timelines are written after it, in five jobs. On the embedded engine, which scans where
 * MongoDB would use the indexes, so a real deployment is faster.
 */
describe('Feed fan-out at 5,000 followers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_GLOBAL: '1000000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers the upload at once and writes every follower’s timeline in batches of 1,000', async () => {
    const creator = await createVerifiedUser(t);
    const fan = await createVerifiedUser(t);
    const followers = [
      ...Array.from({ length: FOLLOWERS - 1 }, () => new Types.ObjectId().toHexString()),
      fan.id,
    ];
    await insertFollows(
      t,
      followers.map((follower) => ({ follower, following: creator.id })),
    );

    const started = Date.now();
    const video = await uploadVideo(t, creator);
    const answered = Date.now();
    await settle(t);
    const written = Date.now();

    expect(await countEntries(t, { video: video._id })).toBe(FOLLOWERS);
    expect(await feedIds(t, fan)).toEqual([video._id]);
    console.log(
      `feed fan-out: ${FOLLOWERS} followers; upload answered in ${answered - started} ms; every timeline written ${written - answered} ms after the answer`,
    );
  }, 180_000);
});
