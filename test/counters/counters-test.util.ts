import type { TestApp } from 'test/utils/test-app';

type Doc = Record<string, unknown>;

/** Every counter of the database, keyed `<collection>.<id>.<path>`: as stored (missing = 0), and as recounted. */
export interface CounterSnapshot {
  stored: Record<string, number>;
  truth: Record<string, number>;
}

const CHANNEL_FIELDS = [
  'followers',
  'following',
  'publishedVideos',
  'publishedViews',
  'publishedLikes',
  'videos',
  'views',
  'likes',
] as const;

function hex(value: unknown): string {
  return (value as { toHexString(): string }).toHexString();
}

function tally(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function number(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/**
 * Reads every document with the driver and recounts every counter from the likes, comments
 * (replies included), follows and videos themselves: written here from the definitions in the issue, independent of
 * the app's reconcile code, so the two can disagree.
 */
export async function snapshotCounters(t: TestApp): Promise<CounterSnapshot> {
  const all = (name: string): Promise<Doc[]> =>
    t.connection.collection<Doc>(name).find({}).toArray();
  const [videos, comments, posts, users, likes, follows] = await Promise.all([
    all('videos'),
    all('comments'),
    all('communityposts'),
    all('users'),
    all('likes'),
    all('follows'),
  ]);

  const likesOf = new Map<string, number>();
  for (const like of likes) tally(likesOf, `${String(like.targetType)}:${hex(like.target)}`);
  const repliesOf = new Map<string, number>();
  for (const comment of comments) if (comment.parent) tally(repliesOf, hex(comment.parent));
  const commentsOf = new Map<string, number>();
  // Every comment document counts for its video or post, replies included.
  for (const comment of comments)
    tally(
      commentsOf,
      comment.video ? `video:${hex(comment.video)}` : `post:${hex(comment.communityPost)}`,
    );
  const followersOf = new Map<string, number>();
  const followingOf = new Map<string, number>();
  for (const follow of follows) {
    tally(followersOf, hex(follow.following));
    tally(followingOf, hex(follow.follower));
  }

  const stored: Record<string, number> = {};
  const truth: Record<string, number> = {};
  const channel = new Map<string, Record<(typeof CHANNEL_FIELDS)[number], number>>();
  for (const user of users) {
    const id = hex(user._id);
    channel.set(id, {
      followers: followersOf.get(id) ?? 0,
      following: followingOf.get(id) ?? 0,
      publishedVideos: 0,
      publishedViews: 0,
      publishedLikes: 0,
      videos: 0,
      views: 0,
      likes: 0,
    });
  }
  for (const video of videos) {
    const id = hex(video._id);
    const likeCount = likesOf.get(`video:${id}`) ?? 0;
    stored[`videos.${id}.likesCount`] = number(video.likesCount);
    stored[`videos.${id}.commentsCount`] = number(video.commentsCount);
    truth[`videos.${id}.likesCount`] = likeCount;
    truth[`videos.${id}.commentsCount`] = commentsOf.get(`video:${id}`) ?? 0;
    const owner = channel.get(hex(video.owner));
    if (!owner) continue;
    owner.videos += 1;
    owner.views += number(video.views);
    owner.likes += likeCount;
    if (video.isPublished === true) {
      owner.publishedVideos += 1;
      owner.publishedViews += number(video.views);
      owner.publishedLikes += likeCount;
    }
  }
  for (const comment of comments) {
    const id = hex(comment._id);
    stored[`comments.${id}.likesCount`] = number(comment.likesCount);
    stored[`comments.${id}.replyCount`] = number(comment.replyCount);
    truth[`comments.${id}.likesCount`] = likesOf.get(`comment:${id}`) ?? 0;
    truth[`comments.${id}.replyCount`] = repliesOf.get(id) ?? 0;
  }
  for (const post of posts) {
    const id = hex(post._id);
    stored[`communityposts.${id}.likesCount`] = number(post.likesCount);
    stored[`communityposts.${id}.commentsCount`] = number(post.commentsCount);
    truth[`communityposts.${id}.likesCount`] = likesOf.get(`communityPost:${id}`) ?? 0;
    truth[`communityposts.${id}.commentsCount`] = commentsOf.get(`post:${id}`) ?? 0;
  }
  for (const user of users) {
    const id = hex(user._id);
    const expected = channel.get(id);
    const storedChannel = (user.channel ?? {}) as Record<string, unknown>;
    for (const field of CHANNEL_FIELDS) {
      stored[`users.${id}.channel.${field}`] = number(storedChannel[field]);
      truth[`users.${id}.channel.${field}`] = expected?.[field] ?? 0;
    }
  }
  return { stored, truth };
}

/** Asserts that every stored counter equals its recount (the diff names the wrong ones). */
export async function expectCountersTrue(t: TestApp): Promise<void> {
  const { stored, truth } = await snapshotCounters(t);
  expect(stored).toEqual(truth);
}
