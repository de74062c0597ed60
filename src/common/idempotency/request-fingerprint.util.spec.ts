import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request } from 'express';
import type { ReceivedFile } from 'src/common/uploads/upload-spec.type';
import { canonicalJson, requestFingerprint } from 'src/common/idempotency/request-fingerprint.util';

function req(overrides: Partial<Request> & { uploadedFiles?: ReceivedFile[] } = {}): Request {
  return {
    method: 'POST',
    path: '/api/v1/playlist',
    route: { path: '/api/v1/playlist' },
    params: {},
    body: { name: 'Salsa', isPublished: true },
    ...overrides,
  } as unknown as Request;
}

describe('canonicalJson', () => {
  it('sorts object keys at every depth, keeps array order and drops undefined', () => {
    expect(canonicalJson({ b: [2, { d: 1, c: 'x' }], a: null, u: undefined })).toBe(
      '{"a":null,"b":[2,{"c":"x","d":1}]}',
    );
  });
});

describe('requestFingerprint', () => {
  const sut = requestFingerprint;

  it('is equal for the same request whatever the key order, and a SHA-256 in hex', async () => {
    const a = await sut(req());
    const b = await sut(req({ body: { isPublished: true, name: 'Salsa' } }));
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs with any value, untrimmed text, the route or the method', async () => {
    const base = await sut(req());
    for (const other of [
      req({ body: { name: 'Salsa', isPublished: false } }),
      req({ body: { name: 'Salsa ', isPublished: true } }),
      req({ route: { path: '/api/v1/communitypost' } } as Partial<Request>),
      req({ method: 'PUT' }),
    ])
      expect(await sut(other)).not.toBe(base);
  });

  it('reads path ids in either hex case as the same id', async () => {
    const route = { path: '/api/v1/comment/video-comments/:videoId' };
    const lower = await sut(req({ route, params: { videoId: 'abcdef' } } as Partial<Request>));
    const upper = await sut(req({ route, params: { videoId: 'ABCDEF' } } as Partial<Request>));
    expect(upper).toBe(lower);
  });

  it('covers each file by field, size and the SHA-256 of its bytes, on disk or in memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fingerprint-'));
    const path = join(dir, 'video.upload');
    writeFileSync(path, Buffer.from('video bytes'));
    const files = (thumbnail: Buffer): ReceivedFile[] => [
      { field: 'video', size: 11, path, detectedType: 'mp4' },
      { field: 'thumbnail', size: thumbnail.length, buffer: thumbnail, detectedType: 'png' },
    ];
    const base = await sut(req({ uploadedFiles: files(Buffer.from('png-1')) }));
    expect(await sut(req({ uploadedFiles: files(Buffer.from('png-1')).reverse() }))).toBe(base);
    expect(await sut(req({ uploadedFiles: files(Buffer.from('png-2')) }))).not.toBe(base);
    writeFileSync(path, Buffer.from('video byteZ'));
    expect(await sut(req({ uploadedFiles: files(Buffer.from('png-1')) }))).not.toBe(base);
  });
});
