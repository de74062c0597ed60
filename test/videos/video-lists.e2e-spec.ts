import { createVerifiedUser, type TestUser } from 'test/factories/users.factory';
import { insertVideo } from 'test/factories/videos.factory';
import { api, expectError, expectSuccess } from 'test/videos/video-test.util';
import { createTestApp, type TestApp } from 'test/utils/test-app';

interface Card {
  _id: string;
  title: string;
  views: number;
  duration: number;
  createdAt: string;
}

/**
 * `GET /video` and `GET /video/me`: pagination, order with its `_id` tie-breaker, literal search.
 */
describe('video lists', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const list = (query: string, user?: TestUser) => {
    const req = api(t).get(`/api/v1/video?${query}`);
    return user ? req.set('Authorization', user.authHeader) : req;
  };
  const ids = (cards: Card[]): string[] => cards.map((card) => card._id);

  describe('pagination', () => {
    let creator: TestUser;
    let all: string[];

    beforeAll(async () => {
      creator = await createVerifiedUser(t);
      const sameInstant = new Date('2026-03-01T12:00:00.000Z');
      all = [];
      for (let i = 0; i < 25; i++)
        all.push(await insertVideo(t, creator.id, { createdAt: sameInstant }));
      // One unpublished video among them: never listed, never counted.
      await insertVideo(t, creator.id, { createdAt: sameInstant, isPublished: false });
    });

    it.each(['desc', 'asc'])(
      'returns each of 25 videos sharing one createdAt exactly once over pages of 10 (%s)',
      async (order) => {
        const seen: string[] = [];
        for (const page of [1, 2, 3]) {
          const res = await list(`userId=${creator.id}&limit=10&page=${page}&sortOrder=${order}`);
          expectSuccess(res, 200, 'Videos fetched');
          const data = res.body.data;
          expect(Object.keys(data)).toEqual([
            'docs',
            'totalDocs',
            'limit',
            'page',
            'totalPages',
            'pagingCounter',
            'hasPrevPage',
            'hasNextPage',
            'prevPage',
            'nextPage',
            'nextCursor',
          ]);
          expect(data).toMatchObject({
            totalDocs: 25,
            limit: 10,
            page,
            totalPages: 3,
            pagingCounter: (page - 1) * 10 + 1,
            hasPrevPage: page > 1,
            hasNextPage: page < 3,
            prevPage: page > 1 ? page - 1 : null,
            nextPage: page < 3 ? page + 1 : null,
          });
          expect(data.docs).toHaveLength(page < 3 ? 10 : 5);
          seen.push(...ids(data.docs));
        }
        expect(new Set(seen).size).toBe(25);
        expect([...seen].sort()).toEqual([...all].sort());
        // With equal createdAt, `_id` decides, in the same direction.
        const expected = [...all].sort();
        expect(seen).toEqual(order === 'asc' ? expected : expected.reverse());
      },
    );

    it('answers a page past the end with no docs and truthful totals', async () => {
      const res = await list(`userId=${creator.id}&limit=10&page=7`);
      expect(res.body.data).toEqual({
        docs: [],
        totalDocs: 25,
        limit: 10,
        page: 7,
        totalPages: 3,
        pagingCounter: 61,
        hasPrevPage: true,
        hasNextPage: false,
        prevPage: 6,
        nextPage: null,
        nextCursor: null,
      });
    });

    it('defaults to page 1 and limit 10', async () => {
      const res = await list(`userId=${creator.id}`);
      expect(res.body.data).toMatchObject({ page: 1, limit: 10, totalPages: 3 });
      expect(res.body.data.docs).toHaveLength(10);
    });

    it.each([
      ['limit=0', 'limit must be an integer between 1 and 100'],
      ['limit=101', 'limit must be an integer between 1 and 100'],
      ['limit=-1', 'limit must be an integer between 1 and 100'],
      ['limit=abc', 'limit must be an integer between 1 and 100'],
      ['limit=1.5', 'limit must be an integer between 1 and 100'],
      ['limit=', 'limit must be an integer between 1 and 100'],
      ['page=0', 'page must be an integer greater than or equal to 1'],
      ['page=1&page=2', 'page must be a single value'],
    ])('rejects %s on GET /video, /video/me and /user/history', async (query, message) => {
      const user = await createVerifiedUser(t);
      for (const path of ['/api/v1/video', '/api/v1/video/me', '/api/v1/user/history']) {
        const res = await api(t).get(`${path}?${query}`).set('Authorization', user.authHeader);
        expectError(res, 400, 'VALIDATION_ERROR', message);
        expect(res.body.errors[0].location).toBe('query');
      }
    });

    it('pages GET /video/me the same way, unpublished videos included', async () => {
      const pages = await Promise.all(
        [1, 2, 3].map((page) =>
          api(t)
            .get(`/api/v1/video/me?limit=10&page=${page}`)
            .set('Authorization', creator.authHeader),
        ),
      );
      const seen = pages.flatMap((res) => ids(res.body.data.docs));
      expect(pages[0].body.data.totalDocs).toBe(26);
      expect(new Set(seen).size).toBe(26);
    });
  });

  describe('sorting', () => {
    let creator: TestUser;
    const made: Record<string, string> = {};

    beforeAll(async () => {
      creator = await createVerifiedUser(t);
      const at = (minute: number) => new Date(Date.UTC(2026, 3, 1, 0, minute));
      made.a = await insertVideo(t, creator.id, {
        title: 'banana',
        views: 5,
        duration: 30,
        createdAt: at(1),
      });
      made.b = await insertVideo(t, creator.id, {
        title: 'Apple',
        views: 50,
        duration: 10.5,
        createdAt: at(2),
      });
      made.c = await insertVideo(t, creator.id, {
        title: 'Élan',
        views: 5,
        duration: 300,
        createdAt: at(3),
      });
      made.d = await insertVideo(t, creator.id, {
        title: 'apple',
        views: 0,
        duration: 10.5,
        createdAt: at(4),
      });
    });

    const order = async (query: string): Promise<string[]> =>
      ids((await list(`userId=${creator.id}&${query}`)).body.data.docs);
    const byId = (a: string, b: string) => (a < b ? -1 : 1);

    it('sorts by createdAt descending when nothing is given', async () => {
      expect(await order('')).toEqual([made.d, made.c, made.b, made.a]);
    });

    it('sorts by views with _id breaking ties in the same direction', async () => {
      const tied = [made.a, made.c].sort(byId);
      expect(await order('sortBy=views&sortOrder=desc')).toEqual([
        made.b,
        ...[...tied].reverse(),
        made.d,
      ]);
      expect(await order('sortBy=views&sortOrder=asc')).toEqual([made.d, ...tied, made.b]);
    });

    it('sorts by duration', async () => {
      const tied = [made.b, made.d].sort(byId);
      expect(await order('sortBy=duration&sortOrder=asc')).toEqual([...tied, made.a, made.c]);
    });

    it('sorts titles by code point (upper case before lower case before accented)', async () => {
      expect(await order('sortBy=title&sortOrder=asc')).toEqual([made.b, made.d, made.a, made.c]);
      expect(await order('sortBy=title')).toEqual([made.c, made.a, made.d, made.b]);
    });
  });

  describe('literal search', () => {
    let creator: TestUser;
    const made: Record<string, string> = {};

    beforeAll(async () => {
      creator = await createVerifiedUser(t);
      made.paren = await insertVideo(t, creator.id, { title: 'Salsa (advanced)' });
      made.star = await insertVideo(t, creator.id, {
        title: 'Plain',
        description: 'spins .* and more',
      });
      made.bracket = await insertVideo(t, creator.id, { title: 'Range [a- z]' });
      made.slash = await insertVideo(t, creator.id, { title: 'Back\\slash' });
      made.plain = await insertVideo(t, creator.id, { title: 'TANGO night' });
      made.hidden = await insertVideo(t, creator.id, {
        title: 'tango (secret)',
        isPublished: false,
      });
    });

    const search = async (text: string): Promise<string[]> => {
      const res = await list(`userId=${creator.id}&query=${encodeURIComponent(text)}`);
      expect(res.status).toBe(200);
      return ids(res.body.data.docs).sort();
    };

    it.each([
      ['(', ['paren']],
      ['.*', ['star']],
      ['[a-', ['bracket']],
      ['\\', ['slash']],
      ['tango', ['plain']],
      ['  ADVANCED) ', ['paren']],
      ['a.c', []],
    ])(
      'matches %j literally, case-insensitively, in title or description',
      async (text, expected) => {
        expect(await search(text)).toEqual(expected.map((key) => made[key]).sort());
      },
    );

    it('treats an empty or blank query as no filter', async () => {
      expect((await search('   ')).length).toBe(5);
    });
  });
});
