/** One rate-limit bucket as one request left it. */
export interface BucketState {
  /** The bucket's name, which is the policy's name in the fields. */
  name: string;
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
  /** Requests left in the current window; 0 when refused. */
  remaining: number;
  /** Seconds until the current window ends (on a refusal: the `Retry-After`, at least 1). */
  resetSeconds: number;
}

export interface RateLimitFields {
  'RateLimit-Policy': string;
  RateLimit: string;
}

/**
 * The `RateLimit-Policy` and `RateLimit` response fields of draft-ietf-httpapi-ratelimit-headers-11
 * (Structured Field Lists, RFC 8941), one item per bucket in the order given:
 *
 *     RateLimit-Policy: "global";q=1000;w=900, "login";q=100;w=900
 *     RateLimit: "global";r=997;t=812, "login";r=99;t=812
 *
 * `q` is the bucket's limit in requests (the default quota unit, so no `qu`), `w` its window,
 * `r` the requests left and `t` the seconds until the window ends. No `pk`: the partition is the
 * caller's IP address, which the fields do not repeat.
 */
export function rateLimitFields(states: readonly BucketState[]): RateLimitFields {
  return {
    'RateLimit-Policy': states
      .map((s) => `${sfString(s.name)};q=${sfInteger(s.limit)};w=${sfInteger(s.windowSeconds)}`)
      .join(', '),
    RateLimit: states
      .map((s) => `${sfString(s.name)};r=${sfInteger(s.remaining)};t=${sfInteger(s.resetSeconds)}`)
      .join(', '),
  };
}

/** RFC 8941 §4.1.6: a String is printable ASCII in double quotes, `"` and `\` escaped. */
function sfString(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new Error(`not an sf-string: ${JSON.stringify(value)}`);
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** RFC 8941 §4.1.4: at most 15 digits; the fields' parameters are non-negative. */
function sfInteger(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0 || value > 999_999_999_999_999)
    throw new Error(`not a non-negative sf-integer: ${value}`);
  return String(value);
}
