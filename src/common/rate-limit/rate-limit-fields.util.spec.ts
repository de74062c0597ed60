import { rateLimitFields } from 'src/common/rate-limit/rate-limit-fields.util';

describe('rateLimitFields (draft-ietf-httpapi-ratelimit-headers-11)', () => {
  const global = {
    name: 'global',
    limit: 1000,
    windowSeconds: 900,
    remaining: 997,
    resetSeconds: 812,
  };

  it('writes one policy item and one service-limit item per bucket', () => {
    expect(rateLimitFields([global])).toEqual({
      'RateLimit-Policy': '"global";q=1000;w=900',
      RateLimit: '"global";r=997;t=812',
    });
  });

  it('lists several buckets in the order they were counted', () => {
    const login = { name: 'login', limit: 100, windowSeconds: 900, remaining: 0, resetSeconds: 5 };
    expect(rateLimitFields([global, login])).toEqual({
      'RateLimit-Policy': '"global";q=1000;w=900, "login";q=100;w=900',
      RateLimit: '"global";r=997;t=812, "login";r=0;t=5',
    });
  });

  it('escapes a name as an sf-string and refuses what is not one', () => {
    expect(rateLimitFields([{ ...global, name: 'a"b\\c' }]).RateLimit).toBe(
      '"a\\"b\\\\c";r=997;t=812',
    );
    expect(() => rateLimitFields([{ ...global, name: 'é' }])).toThrow('not an sf-string');
  });

  it('refuses values that are not non-negative integers', () => {
    for (const bad of [-1, 1.5, Number.NaN, 1e16]) {
      expect(() => rateLimitFields([{ ...global, remaining: bad }])).toThrow('sf-integer');
    }
  });
});
