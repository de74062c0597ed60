import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { runFlow } from 'examples/client/flow';
import { CLIENT_TYPES_PATH, renderClientTypes } from 'scripts/client-types';
import { buildOpenApiDocument } from 'src/app.setup';
import { countLikes } from 'test/factories/likes.factory';
import { createVerifiedUser } from 'test/factories/users.factory';
import { insertVideo } from 'test/factories/videos.factory';
import { createTestApp, type TestApp } from 'test/utils/test-app';

/** Null when equal; else where the checked-in file first differs, and what to do. */
function firstDifference(checkedIn: string, generated: string): string | null {
  if (checkedIn === generated) return null;
  const a = checkedIn.split('\n');
  const b = generated.split('\n');
  let line = 0;
  while (line < a.length && a[line] === b[line]) line += 1;
  return (
    `examples/client/dancely-api.d.ts is stale (run npm run client:types): line ${line + 1} ` +
    `is ${JSON.stringify(a[line])}, the document gives ${JSON.stringify(b[line])}`
  );
}

/**
 * The typed client (issue 15, docs/api.md#typed-client): the checked-in types are what the
 * current OpenAPI document generates, and the example written against them works against the
 * real service over HTTP.
 */
describe('typed client (examples/client)', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_GLOBAL: '1000000' });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps examples/client/dancely-api.d.ts equal to the types of the current document', async () => {
    const generated = await renderClientTypes(buildOpenApiDocument(t.app, t.config));
    const checkedIn = readFileSync(CLIENT_TYPES_PATH, 'utf8');
    expect(firstDifference(checkedIn, generated)).toBeNull();
  });

  it('logs in, lists the videos and likes the newest one with the generated types', async () => {
    const creator = await createVerifiedUser(t);
    const fan = await createVerifiedUser(t);
    await insertVideo(t, creator.id, { title: 'Older', createdAt: new Date(Date.now() - 60_000) });
    const newest = await insertVideo(t, creator.id, { title: 'Newest salsa' });

    const result = await runFlow({ baseUrl, identifier: fan.username, password: fan.password });

    expect(result).toEqual({
      username: fan.username,
      video: { _id: newest, title: 'Newest salsa', likesCount: 0, isLiked: false },
      liked: { isLiked: true, likesCount: 1 },
    });
    expect(await countLikes(t, 'video', newest, fan.id)).toBe(1);
  });

  it('reports the API’s error through the typed error body', async () => {
    const fan = await createVerifiedUser(t);
    await expect(
      runFlow({ baseUrl, identifier: fan.username, password: 'not the password' }),
    ).rejects.toThrow('login: INVALID_CREDENTIALS Invalid credentials');
  });
});
