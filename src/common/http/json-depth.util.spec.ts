import { exceedsJsonDepth } from 'src/common/http/json-depth.util';

function nested(levels: number): unknown {
  return JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);
}

describe('exceedsJsonDepth', () => {
  it('counts objects and arrays, not scalars', () => {
    expect(exceedsJsonDepth('text', 0)).toBe(false);
    expect(exceedsJsonDepth({}, 0)).toBe(true);
    expect(exceedsJsonDepth({ a: { b: [1] } }, 3)).toBe(false);
    expect(exceedsJsonDepth({ a: { b: [1] } }, 2)).toBe(true);
  });

  it('allows exactly the limit and refuses one level more', () => {
    expect(exceedsJsonDepth(nested(32), 32)).toBe(false);
    expect(exceedsJsonDepth(nested(33), 32)).toBe(true);
  });

  it('finds a deep branch beside shallow ones', () => {
    expect(exceedsJsonDepth({ a: 1, b: [2, 3], c: { d: nested(40) } }, 32)).toBe(true);
  });

  it('walks 100,000 levels without running out of stack', () => {
    expect(exceedsJsonDepth(nested(100_000), 32)).toBe(true);
    expect(exceedsJsonDepth(nested(100_000), 200_000)).toBe(false);
  });
});
