import { NotificationStreamService } from 'src/features/notifications/notification-stream.service';
import { JobQueues } from 'src/infrastructure/jobs/job-queues.service';
import { createVerifiedUsers, signIn, type TestUser } from 'test/factories/users.factory';
import { uploadVideo } from 'test/factories/videos.factory';
import { api, expectError } from 'test/utils/contract';
import { type OpenStream, openStream } from 'test/notifications/notification-stream.util';
import { listeningPort } from 'test/utils/raw-http';
import { createTestApp, type TestApp } from 'test/utils/test-app';

const PATH = '/api/v1/notifications/stream';

/** `GET /notifications/stream` through the real server, events parsed as they arrive. */
describe('GET /notifications/stream', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_GLOBAL: '1000000' });
    port = await listeningPort(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const open = (
    user: Pick<TestUser, 'authHeader'>,
    headers: Record<string, string> = {},
  ): Promise<OpenStream> => openStream(port, user, headers);

  const settle = (): Promise<void> => t.app.get(JobQueues).idle();

  it('requires a signed-in caller', async () => {
    const res = await api(t).get(PATH);
    expectError(res, 401, 'UNAUTHORIZED', 'UNAUTHORIZED');
  });

  it('sends the unread count, then each new, updated and removed item as it happens', async () => {
    const [creator, fan, other] = await createVerifiedUsers(t, 3);
    const video = await uploadVideo(t, creator);
    const stream = await open(creator);
    try {
      expect(stream.status).toBe(200);
      expect(stream.contentType).toMatch(/^text\/event-stream/);
      expect(stream.cacheControl).toMatch(/^private, no-cache, no-store/);
      const opened = await stream.next((e) => e.type === 'unread-count');
      expect(opened).toEqual({
        type: 'unread-count',
        id: expect.stringMatching(/^\d+$/) as string,
        data: { count: 0 },
      });
      // every event's id is a time this stream covered, never Nest's own 1, 2, …
      expect(Number(opened.id)).toBeGreaterThan(Date.parse('2026-01-01'));

      let from = stream.events.length;
      await api(t)
        .put(`/api/v1/like/video/${video._id}`)
        .set('Authorization', fan.authHeader)
        .expect(200);
      await settle();
      const created = await stream.next((e) => e.type === 'notification', from);
      expect(created.id).toMatch(/^\d+$/);
      expect(created.data).toMatchObject({
        type: 'video_like',
        actorCount: 1,
        actors: [{ _id: fan.id }],
        subject: { kind: 'video', _id: video._id },
        read: false,
      });
      // the item's event is the one the list shows
      const listed = await api(t)
        .get('/api/v1/notifications')
        .set('Authorization', creator.authHeader);
      expect(created.data).toEqual(listed.body.data.docs[0]);
      expect(await stream.next((e) => e.type === 'unread-count', from)).toMatchObject({
        data: { count: 1 },
      });

      // another like joins the group: the item again, with two actors
      from = stream.events.length;
      await api(t)
        .put(`/api/v1/like/video/${video._id}`)
        .set('Authorization', other.authHeader)
        .expect(200);
      await settle();
      expect(await stream.next((e) => e.type === 'notification', from)).toMatchObject({
        data: { actorCount: 2 },
      });

      // both unlike: the item is updated, then removed
      from = stream.events.length;
      for (const user of [other, fan])
        await api(t)
          .delete(`/api/v1/like/video/${video._id}`)
          .set('Authorization', user.authHeader)
          .expect(200);
      await settle();
      const removed = await stream.next((e) => e.type === 'notification-removed', from);
      expect(removed.data).toEqual({ _id: (created.data as { _id: string })._id });
      await stream.next(
        (e) => e.type === 'unread-count' && (e.data as { count: number }).count === 0,
        stream.events.indexOf(removed),
      );

      // marking read changes the count
      from = stream.events.length;
      await api(t)
        .put(`/api/v1/follower/${creator.id}`)
        .set('Authorization', fan.authHeader)
        .expect(200);
      await settle();
      const followed = await stream.next(
        (e) => e.type === 'unread-count' && (e.data as { count: number }).count === 1,
        from,
      );
      await api(t)
        .post('/api/v1/notifications/read-all')
        .set('Authorization', creator.authHeader)
        .expect(200);
      await stream.next(
        (e) => e.type === 'unread-count' && (e.data as { count: number }).count === 0,
        stream.events.indexOf(followed) + 1,
      );
    } finally {
      stream.close();
    }
  });

  it('resends what was missed after Last-Event-ID, then the count', async () => {
    const [creator, a, b] = await createVerifiedUsers(t, 3);
    await api(t).put(`/api/v1/follower/${creator.id}`).set('Authorization', a.authHeader);
    await settle();
    const first = await open(creator);
    const seen = await first.next((e) => e.type === 'unread-count');
    expect(seen.data).toEqual({ count: 1 });
    first.close();
    const [item] = (
      await api(t).get('/api/v1/notifications').set('Authorization', creator.authHeader)
    ).body.data.docs as { _id: string; updatedAt: string }[];

    // missed while disconnected
    await new Promise((resolve) => setTimeout(resolve, 5));
    await api(t).put(`/api/v1/follower/${creator.id}`).set('Authorization', b.authHeader);
    await settle();
    const again = await open(creator, { 'Last-Event-ID': String(Date.parse(item.updatedAt)) });
    try {
      const replayed = await again.next((e) => e.type === 'notification');
      expect(replayed.data).toMatchObject({ type: 'follow', actors: [{ _id: b.id }] });
      expect(again.events.filter((e) => e.type === 'notification')).toHaveLength(1);
      expect(await again.next((e) => e.type === 'unread-count')).toMatchObject({
        data: { count: 2 },
      });
      // a Last-Event-ID this stream did not issue replays nothing
      const odd = await open(creator, { 'Last-Event-ID': 'yesterday' });
      await odd.next((e) => e.type === 'unread-count');
      expect(odd.events.filter((e) => e.type === 'notification')).toEqual([]);
      odd.close();
    } finally {
      again.close();
    }
  });

  it('beats every heartbeat period with a comment', async () => {
    const [user] = await createVerifiedUsers(t, 1);
    const streams = t.app.get(NotificationStreamService);
    expect(streams.heartbeatMs).toBe(25_000);
    streams.heartbeatMs = 50;
    const stream = await open(user);
    try {
      expect(await stream.next((e) => e.comment !== undefined)).toEqual({ comment: 'heartbeat' });
    } finally {
      stream.close();
      streams.heartbeatMs = 25_000;
    }
  });

  it('holds at most 5 streams per user: a 6th opens and the oldest ends', async () => {
    const [user] = await createVerifiedUsers(t, 1);
    const streams: OpenStream[] = [];
    try {
      for (let i = 0; i < 5; i += 1) {
        streams.push(await open(user));
        await streams[i].next((e) => e.type === 'unread-count');
      }
      const sixth = await open(user);
      streams.push(sixth);
      expect(sixth.status).toBe(200);
      await sixth.next((e) => e.type === 'unread-count');
      await streams[0].end();
      expect(streams.slice(1).map((stream) => stream.ended)).toEqual([
        false,
        false,
        false,
        false,
        false,
      ]);
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  describe('a stream lives as long as the session that opened it', () => {
    it('logout ends the stream of that session, not those of the others', async () => {
      const [user] = await createVerifiedUsers(t, 1);
      const phone = await signIn(t, user);
      const onLaptop = await open(user);
      const onPhone = await open(phone);
      try {
        await onLaptop.next((e) => e.type === 'unread-count');
        await onPhone.next((e) => e.type === 'unread-count');
        await api(t).post('/api/v1/auth/logout').set('Authorization', user.authHeader).expect(200);
        await onLaptop.end();
        expect(onPhone.ended).toBe(false);
        // the phone's stream still works
        const [fan] = await createVerifiedUsers(t, 1);
        const from = onPhone.events.length;
        await api(t)
          .put(`/api/v1/follower/${user.id}`)
          .set('Authorization', fan.authHeader)
          .expect(200);
        await settle();
        await onPhone.next((e) => e.type === 'notification', from);
        // and the ended session cannot open a new one
        expectError(
          await api(t).get(PATH).set('Authorization', user.authHeader),
          401,
          'UNAUTHORIZED',
          'UNAUTHORIZED',
        );
      } finally {
        onLaptop.close();
        onPhone.close();
      }
    });

    it('revoking a session from the session list ends its stream; "sign out others" ends the rest', async () => {
      const [user] = await createVerifiedUsers(t, 1);
      const [phone, tablet] = [await signIn(t, user), await signIn(t, user)];
      const onPhone = await open(phone);
      const onTablet = await open(tablet);
      const own = await open(user);
      try {
        for (const stream of [onPhone, onTablet, own])
          await stream.next((e) => e.type === 'unread-count');
        await api(t)
          .delete(`/api/v1/auth/sessions/${phone.sessionId}`)
          .set('Authorization', user.authHeader)
          .expect(200);
        await onPhone.end();
        expect([onTablet.ended, own.ended]).toEqual([false, false]);

        await api(t)
          .delete('/api/v1/auth/sessions')
          .set('Authorization', user.authHeader)
          .expect(200);
        await onTablet.end();
        expect(own.ended).toBe(false);
      } finally {
        for (const stream of [onPhone, onTablet, own]) stream.close();
      }
    });

    it('a session that ended without an announcement (expired) ends its stream at the next heartbeat', async () => {
      const [user] = await createVerifiedUsers(t, 1);
      const streams = t.app.get(NotificationStreamService);
      streams.heartbeatMs = 200;
      const stream = await open(user);
      try {
        await stream.next((e) => e.type === 'unread-count');
        await t.connection
          .collection<{ _id: string }>('sessions')
          .updateOne({ _id: user.sessionId }, { $set: { expiresAt: new Date(0) } });
        await stream.end();
      } finally {
        streams.heartbeatMs = 25_000;
        stream.close();
      }
    });
  });
});
