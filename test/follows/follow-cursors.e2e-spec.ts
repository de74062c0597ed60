import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import type request from 'supertest';
import { Follow } from 'src/modules/follows/schemas/follow.schema';
import { insertFollow } from 'test/factories/follows.factory';
import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { API, api, expectError, RELAXED_LIMITS } from 'test/follows/social-test.util';
import {
  type CursorPage,
  keysetOrder,
  seededRandom,
  walkCursorPages,
  withCursor,
} from 'test/utils/cursor-walk';
import { createTestApp, type TestApp } from 'test/utils/test-app';

type Direction = 'followers' | 'following';
type Order = 'asc' | 'desc';

/**
 * The follower lists by cursor (docs/api.md#cursor-pages): a keyset on the follow time and the
 * relation's `_id`, bound to the listed user, the direction and the order.
 */
describe('follower lists by cursor', () => {
  let t: TestApp;
  let follows: Model<Follow>;
  /** People to follow and be followed by; relations are unique per pair, so each test takes a fresh hub. */
  const pool: TestUser[] = [];

  beforeAll(async () => {
    t = await createTestApp(RELAXED_LIMITS);
    follows = t.app.get<Model<Follow>>(getModelToken(Follow.name));
    for (let i = 0; i < 24; i++) pool.push(await createVerifiedUser(t));
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (direction: Direction, userId: string, query: string): Promise<request.Response> =>
    api(t).get(`${API}/follower/${direction}/${userId}?${query}`);

  /** Relations between `hub` and `people` (in the direction's sense), at the given instants. */
  async function relate(
    direction: Direction,
    hub: TestUser,
    people: TestUser[],
    at: (index: number) => Date,
  ): Promise<{ id: string; at: number }[]> {
    const rows: { id: string; at: number }[] = [];
    for (const [index, person] of people.entries()) {
      const createdAt = at(index);
      const id =
        direction === 'followers'
          ? await insertFollow(t, person.id, hub.id, createdAt)
          : await insertFollow(t, hub.id, person.id, createdAt);
      rows.push({ id, at: createdAt.getTime() });
    }
    return rows;
  }

  /** The walk's relation ids (the items carry the person, not the relation): mapped back. */
  async function relationIds(direction: Direction, hubId: string, personIds: string[]) {
    const found = await follows
      .find(
        direction === 'followers'
          ? { following: new Types.ObjectId(hubId) }
          : { follower: new Types.ObjectId(hubId) },
      )
      .lean()
      .exec();
    const byPerson = new Map(
      found.map((f) => [
        (direction === 'followers' ? f.follower : f.following).toHexString(),
        f._id.toHexString(),
      ]),
    );
    return personIds.map((id) => byPerson.get(id) ?? `missing ${id}`);
  }

  const walk = async (direction: Direction, hub: TestUser, query: string) => {
    const { pages } = await walkCursorPages<{ _id: string; userId: string }>(
      (q) => get(direction, hub.id, q),
      query,
    );
    const people = pages.flatMap((page) => page.docs.map((doc) => doc.userId));
    return { pages, relations: await relationIds(direction, hub.id, people) };
  };

  for (const direction of ['followers', 'following'] as const) {
    for (const order of ['desc', 'asc'] as const) {
      it(`walks ${direction} (${order}) exactly once, in order, as the numbered pages do`, async () => {
        const hub = await createVerifiedUser(t);
        const rows = await relate(
          direction,
          hub,
          pool.slice(0, 17),
          (i) => new Date(1000 * (i % 3)),
        );
        const { relations, pages } = await walk(direction, hub, `sortOrder=${order}&limit=4`);
        expect(relations).toEqual(keysetOrder(rows, (row) => row.at, order));
        expect(pages.map((page) => [page.page, page.totalDocs])).toEqual(
          [1, 2, 3, 4, 5].map((n) => [n, 17]),
        );
        const numbered = (await get(direction, hub.id, `sortOrder=${order}&limit=4&page=3`)).body
          .data as CursorPage;
        const { nextCursor: _a, ...third } = pages[2];
        const { nextCursor: _b, ...numberedThird } = numbered;
        expect(numberedThird).toEqual(third);
      });
    }
  }

  it('returns every follow that stays exactly once while people follow and unfollow between pages', async () => {
    const hub = await createVerifiedUser(t);
    const rows = await relate(
      'followers',
      hub,
      pool.slice(0, 15),
      (i) => new Date(60_000 + i * 1000),
    );
    const initial = keysetOrder(rows, (row) => row.at, 'desc');
    const deleted = new Set<string>();
    const late = pool.slice(15);
    const { pages } = await walkCursorPages<{ _id: string; userId: string }>(
      (q) => get('followers', hub.id, q),
      'limit=4',
      async (pageIndex) => {
        // A new follower sorts above the position (newest first): not in this walk.
        const newcomer = late[pageIndex];
        if (newcomer) await insertFollow(t, newcomer.id, hub.id, new Date(999_999 + pageIndex));
        const victim = initial[(pageIndex + 1) * 4 + 1];
        if (victim !== undefined) {
          deleted.add(victim);
          await follows.deleteOne({ _id: new Types.ObjectId(victim) }).exec();
        }
      },
    );
    const people = pages.flatMap((page) => page.docs.map((doc) => doc.userId));
    expect(new Set(people).size).toBe(people.length);
    const byPerson = new Map(rows.map((row, i) => [pool[i].id, row.id]));
    const seen = people.map((id) => byPerson.get(id));
    // Every follow that stayed, once and in order; one removed was served at most once (before
    // its removal); the late followers sort above the position and are not in this walk.
    const stayed = initial.filter((id) => !deleted.has(id));
    expect(seen.filter((id) => id !== undefined && stayed.includes(id))).toEqual(stayed);
    expect(seen.every((id) => id !== undefined && (stayed.includes(id) || deleted.has(id)))).toBe(
      true,
    );
  });

  it('refuses forged, altered and foreign cursors with 400 INVALID_CURSOR, and page with cursor', async () => {
    const hub = await createVerifiedUser(t);
    const other = await createVerifiedUser(t);
    await relate('followers', hub, pool.slice(0, 3), (i) => new Date(i));
    await relate('following', hub, pool.slice(0, 3), (i) => new Date(i));
    await relate('followers', other, pool.slice(0, 3), (i) => new Date(i));
    const cursor = ((await get('followers', hub.id, 'limit=1')).body.data as CursorPage)
      .nextCursor as string;
    const [body, tag] = cursor.split('.');
    const bad: [Direction, string, string, string][] = [
      ['followers', hub.id, 'limit=1', `${body}.${tag.slice(0, -2)}AA`],
      ['followers', hub.id, 'limit=1', 'x.y'],
      ['followers', hub.id, 'limit=1&sortOrder=asc', cursor],
      ['following', hub.id, 'limit=1', cursor],
      ['followers', other.id, 'limit=1', cursor],
    ];
    for (const [direction, userId, query, forged] of bad) {
      expectError(
        await get(direction, userId, withCursor(query, forged)),
        400,
        'INVALID_CURSOR',
        'Invalid cursor',
      );
    }
    expectError(
      await get('followers', hub.id, withCursor('page=2', cursor)),
      400,
      'VALIDATION_ERROR',
      'page and cursor cannot be combined',
    );
  });

  it('property: random follower sets and page sizes walk exactly once in order (seeded)', async () => {
    const random = seededRandom(7);
    for (let round = 0; round < 6; round++) {
      const hub = await createVerifiedUser(t);
      const direction: Direction = random() < 0.5 ? 'followers' : 'following';
      const order: Order = random() < 0.5 ? 'asc' : 'desc';
      const people = pool.filter(() => random() < 0.6);
      const instants = 1 + Math.floor(random() * 4);
      const rows = await relate(
        direction,
        hub,
        people,
        () => new Date(Math.floor(random() * instants) * 1000),
      );
      const limit = 1 + Math.floor(random() * 8);
      const { relations, pages } = await walk(direction, hub, `sortOrder=${order}&limit=${limit}`);
      const context = `round ${round}: ${people.length} ${direction}, ${order}, limit ${limit}`;
      expect({ context, relations }).toEqual({
        context,
        relations: keysetOrder(rows, (row) => row.at, order),
      });
      expect(pages).toHaveLength(Math.max(1, Math.ceil(people.length / limit)));
    }
  });
});
