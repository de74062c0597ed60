import { createHash } from 'node:crypto';
import { weakEtag } from 'src/common/http/etag.util';

/** The `etag` package's algorithm, as Express applies it by default (weak). */
function expressDefault(body: string | Buffer): string {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (bytes.length === 0) return 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"';
  const digest = createHash('sha1').update(bytes).digest('base64').substring(0, 27);
  return `W/"${bytes.length.toString(16)}-${digest}"`;
}

describe('weakEtag', () => {
  it('matches the tag Express has always sent for the health body', () => {
    expect(weakEtag('{"status":"ok","info":{},"error":{},"details":{}}', 'utf8')).toBe(
      'W/"31-dxKeoZI+mvmnahNSR0ys2MInE1I"',
    );
  });

  it.each([
    '',
    'a',
    '{"statusCode":200,"message":"OK","data":null,"success":true}',
    'naïve — ünïcode ✓ 🎉',
    'x'.repeat(70_000),
  ])('equals the etag package for %#', (text) => {
    expect(weakEtag(text, 'utf8')).toBe(expressDefault(text));
    expect(weakEtag(Buffer.from(text))).toBe(expressDefault(Buffer.from(text)));
  });
});
