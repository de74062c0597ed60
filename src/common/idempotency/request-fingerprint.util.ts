import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Request } from 'express';
import type { ReceivedFile } from 'src/common/uploads/upload-spec.type';

/**
 * What makes two requests "the same request" for an `Idempotency-Key`: the method, the route
 * (its template, so the global prefix and version are part of it), the path parameters (ids in
 * lower case: the same id in either hex case is the same resource), the body as parsed (JSON, or
 * the text fields of a multipart upload) with object keys in sorted order (so key order and
 * whitespace do not count, but every value does, untrimmed), and for each uploaded file its
 * field, size and SHA-256 of its bytes. The result is the SHA-256 of that canonical text.
 *
 * Uploads: the bytes of each file are hashed from its temporary file, one more read of the file
 * (about 0.2–0.5 s of CPU for a 100 MB video), and only on requests that send the header.
 */
export async function requestFingerprint(req: Request): Promise<string> {
  const files = await Promise.all(
    (req.uploadedFiles ?? []).map(async (file) => ({
      field: file.field,
      size: file.size,
      sha256: await fileDigest(file),
    })),
  );
  files.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  const canonical = canonicalJson({
    method: req.method,
    route: routeTemplate(req),
    params: normalisedParams(req.params ?? {}),
    body: (req.body as unknown) ?? null,
    files,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

function routeTemplate(req: Request): string {
  const route: unknown = (req as { route?: unknown }).route;
  const path: unknown =
    typeof route === 'object' && route !== null ? (route as { path?: unknown }).path : undefined;
  return typeof path === 'string' ? path : req.path;
}

function normalisedParams(
  params: Record<string, string | string[]>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(params))
    out[name] = name.endsWith('Id') && typeof value === 'string' ? value.toLowerCase() : value;
  return out;
}

/** JSON with every object's keys sorted, so equal values give equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const entries = Object.keys(record)
      .sort()
      .filter((key) => record[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

async function fileDigest(file: ReceivedFile): Promise<string> {
  const hash = createHash('sha256');
  if (file.buffer) return hash.update(file.buffer).digest('hex');
  if (!file.path) return hash.digest('hex');
  for await (const chunk of createReadStream(file.path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
