import { hash } from 'node:crypto';

/** `etag`'s fixed tag for an empty body. */
const EMPTY_TAG = '"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"';

/**
 * Express's default ETag (weak, from the `etag` package: hex byte length and the first 27
 * base64 characters of the body's SHA-1), byte for byte, but hashed with Node's one-shot
 * `crypto.hash()` instead of a Hash object per response. Installed with `app.set('etag', …)`.
 */
export function weakEtag(body: string | Buffer, encoding?: BufferEncoding): string {
  const bytes = typeof body === 'string' ? Buffer.from(body, encoding) : body;
  if (bytes.length === 0) return `W/${EMPTY_TAG}`;
  return `W/"${bytes.length.toString(16)}-${hash('sha1', bytes, 'base64').substring(0, 27)}"`;
}
