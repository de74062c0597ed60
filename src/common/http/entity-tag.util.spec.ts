import { createHash } from 'node:crypto';
import {
  matchesStrongly,
  noneMatchFails,
  parseEntityTags,
  strongEtag,
} from 'src/common/http/entity-tag.util';

/** The definition of docs/api.md#caching, written out with a Hash object. */
function reference(bytes: Buffer): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
}

describe('strongEtag', () => {
  it.each([
    '',
    'a',
    '{"statusCode":200,"message":"OK","data":null,"success":true}',
    'naïve — ünïcode ✓ 🎉',
    'x'.repeat(70_000),
  ])('is 27 base64url characters of the SHA-256 of the UTF-8 bytes, quoted (%#)', (text) => {
    expect(strongEtag(text)).toBe(reference(Buffer.from(text, 'utf8')));
    expect(strongEtag(Buffer.from(text))).toBe(strongEtag(text));
    expect(strongEtag(text)).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  });

  it('changes with any byte', () => {
    expect(strongEtag('{"views":1}')).not.toBe(strongEtag('{"views":2}'));
  });
});

describe('parseEntityTags', () => {
  it('reads *, one tag, and lists with W/, spaces and empty elements', () => {
    expect(parseEntityTags('*')).toBe('*');
    expect(parseEntityTags(' * ')).toBe('*');
    expect(parseEntityTags('"abc"')).toEqual([{ weak: false, opaque: '"abc"' }]);
    expect(parseEntityTags('W/"a", "b" ,, "" ')).toEqual([
      { weak: true, opaque: '"a"' },
      { weak: false, opaque: '"b"' },
      { weak: false, opaque: '""' },
    ]);
  });

  it.each([undefined, '', ' , ', 'abc', '"a', 'a"', 'w/"a"', '"a" "b"', '"a", *', '"a b"', '"é"'])(
    'refuses %p',
    (value) => {
      expect(parseEntityTags(value)).toBeNull();
    },
  );
});

describe('noneMatchFails (If-None-Match, weak comparison)', () => {
  const current = '"0123456789abcdefghijklmnopq"';

  it('matches the tag, W/ or not, anywhere in a list, and *', () => {
    expect(noneMatchFails(current, current)).toBe(true);
    expect(noneMatchFails(`W/${current}`, current)).toBe(true);
    expect(noneMatchFails(`"other", ${current}`, current)).toBe(true);
    expect(noneMatchFails('*', current)).toBe(true);
  });

  it('matches nothing else, and nothing when the value does not parse', () => {
    expect(noneMatchFails(undefined, current)).toBe(false);
    expect(noneMatchFails('"other"', current)).toBe(false);
    expect(noneMatchFails(current.slice(1, -1), current)).toBe(false);
    expect(noneMatchFails(`${current} garbage`, current)).toBe(false);
  });
});

describe('matchesStrongly (If-Match, strong comparison)', () => {
  const current = '"0123456789abcdefghijklmnopq"';

  it('matches an equal strong tag anywhere in the list', () => {
    expect(matchesStrongly([{ weak: false, opaque: current }], current)).toBe(true);
    expect(
      matchesStrongly(
        [
          { weak: false, opaque: '"x"' },
          { weak: false, opaque: current },
        ],
        current,
      ),
    ).toBe(true);
  });

  it('never matches a weak tag, nor a weak current tag', () => {
    expect(matchesStrongly([{ weak: true, opaque: current }], current)).toBe(false);
    expect(matchesStrongly([{ weak: false, opaque: current }], `W/${current}`)).toBe(false);
    expect(matchesStrongly([{ weak: false, opaque: '"x"' }], current)).toBe(false);
  });
});
