import { CURSOR_TTL_SECONDS, CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import type { AppConfig } from 'src/config/app-config';

const ID = '665f1c2e8b3f4a0012ab34cd';

function codec(secret = 'a'.repeat(40)): CursorCodecService {
  return new CursorCodecService({ auth: { accessSecret: secret } } as AppConfig);
}

function expectInvalid(action: () => unknown): void {
  expect(action).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR', status: 400 }));
}

describe('CursorCodecService', () => {
  it.each([
    [new Date('2026-12-03T01:02:03.456Z'), 'date'],
    [42, 'number'],
    ['Salsa', 'string'],
  ] as const)('round-trips the position %p within its list', (key, kind) => {
    const sut = codec();
    const cursor = sut.encode('replies:abc:asc', { key, id: ID });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sut.decode('replies:abc:asc', cursor, kind)).toEqual({ key, id: ID });
  });

  it('round-trips the walk a cursor carries, and refuses a malformed one', () => {
    const sut = codec();
    const carry = { total: 12, served: 5 };
    const cursor = sut.encode('l', { key: 3, id: ID, carry });
    expect(sut.decode('l', cursor, 'number')).toEqual({ key: 3, id: ID, carry });
    expect(sut.decode('l', sut.encode('l', { key: 3, id: ID }), 'number').carry).toBeUndefined();
    for (const c of [[1], [1, -1], [1, 1.5], ['1', 2], 'x']) {
      const body = Buffer.from(
        JSON.stringify({ l: 'l', t: 'n', k: 3, i: ID, c, x: 4_102_444_800 }),
      ).toString('base64url');
      // Signed by the right key (a server bug, not a forgery), still refused.
      const signed = (sut as unknown as { tag(b: string): string }).tag(body);
      expectInvalid(() => sut.decode('l', `${body}.${signed}`, 'number'));
    }
  });

  it('refuses a cursor once it has expired, and one that carries no expiry', () => {
    const sut = codec();
    const issued = Date.UTC(2026, 11, 3, 8, 0, 0);
    const now = jest.spyOn(Date, 'now').mockReturnValue(issued);
    try {
      const cursor = sut.encode('l', { key: 1, id: ID });
      now.mockReturnValue(issued + CURSOR_TTL_SECONDS * 1000);
      expect(sut.decode('l', cursor, 'number')).toEqual({ key: 1, id: ID });
      now.mockReturnValue(issued + (CURSOR_TTL_SECONDS + 1) * 1000);
      expectInvalid(() => sut.decode('l', cursor, 'number'));
      const body = Buffer.from(JSON.stringify({ l: 'l', t: 'n', k: 1, i: ID })).toString(
        'base64url',
      );
      const signed = (sut as unknown as { tag(b: string): string }).tag(body);
      now.mockReturnValue(issued);
      expectInvalid(() => sut.decode('l', `${body}.${signed}`, 'number'));
    } finally {
      now.mockRestore();
    }
  });

  it('refuses a cursor whose key is of another kind than the list sorts by', () => {
    const sut = codec();
    expectInvalid(() => sut.decode('l', sut.encode('l', { key: 42, id: ID }), 'date'));
  });

  it('refuses a cursor of another list (another parent, order or user)', () => {
    const sut = codec();
    const cursor = sut.encode('replies:abc:asc', { key: 1, id: ID });
    expectInvalid(() => sut.decode('replies:abd:asc', cursor, 'number'));
    expectInvalid(() => sut.decode('replies:abc:desc', cursor, 'number'));
  });

  it('refuses a cursor signed with another secret', () => {
    const cursor = codec('b'.repeat(40)).encode('l', { key: 1, id: ID });
    expectInvalid(() => codec().decode('l', cursor, 'number'));
  });

  it('refuses an altered body even when it is valid JSON, and a re-signed one without the key', () => {
    const sut = codec();
    const [body, tag] = sut.encode('l', { key: 1, id: ID }).split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), k: 999 }),
    ).toString('base64url');
    expectInvalid(() => sut.decode('l', `${forged}.${tag}`, 'number'));
  });

  it.each([
    '',
    '.',
    'abc',
    'abc.',
    '.abc',
    'a.b.c',
    'x'.repeat(600),
    '%%%.%%%',
    '\u{1F600}.\u{1F600}',
  ])('refuses the malformed cursor %j', (cursor) => {
    expectInvalid(() => codec().decode('l', cursor, 'number'));
  });
});
