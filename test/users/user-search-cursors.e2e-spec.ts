import { getModelToken } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import type request from 'supertest';
import { User } from 'src/modules/users/schemas/user.schema';
import { createPendingUser, createVerifiedUser } from 'test/factories/users.factory';
import { api, expectError, RELAXED_LIMITS } from 'test/follows/social-test.util';
import { seededRandom, walkHeaderPages, withCursor } from 'test/utils/cursor-walk';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/**
 * `GET /user/search` by cursor (docs/api.md#cursor-pages): a plain array in username order, the
 * next cursor in `X-Next-Cursor`, bound to the search text.
 */
describe('user search by cursor', () => {
  let t: TestApp;
  let users: Model<User>;

  beforeAll(async () => {
    t = await createTestApp(RELAXED_LIMITS);
    users = t.app.get<Model<User>>(getModelToken(User.name));
  });
  afterAll(async () => {
    await t.close();
  });

  const search = (query: string): Promise<request.Response> =>
    api(t).get(`/api/v1/user/search?${query}`);
  const usernamesOf = async (ids: string[]): Promise<string[]> => {
    const found = await users
      .find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } })
      .lean()
      .exec();
    const byId = new Map(found.map((u) => [u._id.toHexString(), u.username]));
    return ids.map((id) => byId.get(id) ?? `missing ${id}`);
  };

  it('walks every verified match exactly once in username order, while users come and go', async () => {
    const tag = `zq${Date.now().toString(36).slice(-5)}`;
    const names: string[] = [];
    for (let i = 0; i < 11; i++) {
      const user = await createVerifiedUser(t, {
        username: `${tag}_b${String(i).padStart(2, '0')}`,
      });
      names.push(user.username);
    }
    await createPendingUser(t, { username: `${tag}_pending` });
    const plain = await walkHeaderPages(search, `query=${tag}&limit=3`);
    expect(await usernamesOf(plain.ids)).toEqual([...names].sort());
    expect(plain.pages).toBe(4);

    const removed: string[] = [];
    const late: string[] = [];
    const early: string[] = [];
    const { ids } = await walkHeaderPages(search, `query=${tag}&limit=3`, async (pageIndex) => {
      // One sorting before every name (behind the position: not reached), one after (reached).
      early.push((await createVerifiedUser(t, { username: `${tag}_a${pageIndex}` })).username);
      late.push((await createVerifiedUser(t, { username: `${tag}_z${pageIndex}` })).username);
      const victim = [...names].sort()[(pageIndex + 1) * 3 + 1];
      if (victim !== undefined && !removed.includes(victim)) {
        removed.push(victim);
        await users.deleteOne({ username: victim }).exec();
      }
    });
    const seen = await usernamesOf(ids);
    expect(new Set(seen).size).toBe(seen.length);
    const stayed = [...names].sort().filter((name) => !removed.includes(name));
    expect(seen.filter((name) => stayed.includes(name))).toEqual(stayed);
    expect(seen.filter((name) => late.includes(name))).toEqual(late);
    expect(seen.filter((name) => early.includes(name))).toEqual([]);
  });

  it('refuses a cursor of another search, a forged one, and page with cursor', async () => {
    const tag = `zr${Date.now().toString(36).slice(-5)}`;
    for (let i = 0; i < 3; i++) await createVerifiedUser(t, { username: `${tag}_${i}` });
    const cursor = (await search(`query=${tag}&limit=1`)).headers['x-next-cursor'];
    expect(typeof cursor).toBe('string');
    for (const [query, forged] of [
      [`query=${tag}_&limit=1`, cursor],
      [`query=${tag}&limit=1`, `${cursor.slice(0, -2)}AA`],
      [`query=${tag}&limit=1`, 'x'],
    ] as const) {
      expectError(await search(withCursor(query, forged)), 400, 'INVALID_CURSOR', 'Invalid cursor');
    }
    expectError(
      await search(withCursor(`query=${tag}&page=1`, cursor)),
      400,
      'VALIDATION_ERROR',
      'page and cursor cannot be combined',
    );
  });

  it('property: random match sets and page sizes walk exactly once in order (seeded)', async () => {
    const random = seededRandom(3);
    for (let round = 0; round < 4; round++) {
      const tag = `zp${round}${Date.now().toString(36).slice(-4)}`;
      const size = Math.floor(random() * 9);
      const names: string[] = [];
      for (let i = 0; i < size; i++) {
        const suffix = Math.floor(random() * 1e6).toString(36);
        names.push((await createVerifiedUser(t, { username: `${tag}_${suffix}${i}` })).username);
      }
      const limit = 1 + Math.floor(random() * 4);
      const { ids, pages } = await walkHeaderPages(search, `query=${tag}&limit=${limit}`);
      const context = `round ${round}: ${size} users, limit ${limit}`;
      expect({ context, names: await usernamesOf(ids) }).toEqual({
        context,
        names: [...names].sort(),
      });
      expect(pages).toBe(Math.max(1, Math.ceil(size / limit)));
    }
  });
});
