/** Inclusive byte offsets, as in `Content-Range: bytes start-end/size`. */
export interface ByteRange {
  start: number;
  end: number;
}

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

/**
 * The one range to serve for a `Range` header, or null to serve the whole file with 200.
 *
 * Multiple ranges, malformed headers and unsatisfiable ranges all give null: RFC 9110 §14.2 lets a
 * server ignore Range, and answering 416 would need an error body the API does not define
 * (every non-2xx is the JSON error body with one of its codes). Video players only ever ask for
 * one satisfiable range, so nothing they do is lost.
 */
export function parseSingleByteRange(header: string | undefined, size: number): ByteRange | null {
  if (header === undefined || size <= 0) return null;
  const match = SINGLE_RANGE.exec(header.trim());
  if (!match) return null;
  const [, first, last] = match;
  if (first === '' && last === '') return null;

  if (first === '') {
    // Suffix form `bytes=-n`: the last n bytes; a suffix longer than the file means all of it.
    const length = Number(last);
    if (!Number.isSafeInteger(length) || length === 0) return null;
    return { start: Math.max(0, size - length), end: size - 1 };
  }

  const start = Number(first);
  if (!Number.isSafeInteger(start) || start >= size) return null;
  if (last === '') return { start, end: size - 1 };

  const end = Number(last);
  if (!Number.isSafeInteger(end) || end < start) return null;
  return { start, end: Math.min(end, size - 1) };
}
