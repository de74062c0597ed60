import { connect } from 'node:net';
import request from 'supertest';
import type { TestApp } from 'test/utils/test-app';

export const TUS = { 'Tus-Resumable': '1.0.0' };
export const OFFSET_STREAM = 'application/offset+octet-stream';

/** `POST /uploads` with the given length; returns the response and the upload id it named. */
export async function createUpload(
  t: TestApp,
  authHeader: string,
  length: number,
): Promise<{ res: request.Response; id: string }> {
  const res = await request(t.app.getHttpServer())
    .post('/api/v1/uploads')
    .set('Authorization', authHeader)
    .set(TUS)
    .set('Upload-Length', String(length))
    .set('Upload-Metadata', `filename ${Buffer.from('clip.mp4').toString('base64')}`);
  const location = String(res.headers.location ?? '');
  return { res, id: location.split('/').pop() ?? '' };
}

export function patchUpload(
  t: TestApp,
  authHeader: string,
  id: string,
  offset: number,
  bytes: Buffer,
): Promise<request.Response> {
  return request(t.app.getHttpServer())
    .patch(`/api/v1/uploads/${id}`)
    .set('Authorization', authHeader)
    .set(TUS)
    .set('Upload-Offset', String(offset))
    .set('Content-Type', OFFSET_STREAM)
    .send(bytes);
}

export function headUpload(t: TestApp, authHeader: string, id: string): Promise<request.Response> {
  return request(t.app.getHttpServer())
    .head(`/api/v1/uploads/${id}`)
    .set('Authorization', authHeader)
    .set(TUS);
}

/**
 * A PATCH whose connection drops: the headers announce the whole chunk, only `sent` bytes of it
 * go out, and once the server has stored them (`stored()`, polled) the connection is cut, as when
 * a phone's network goes away mid-chunk.
 */
export async function droppedPatch(
  port: number,
  authHeader: string,
  id: string,
  offset: number,
  chunk: Buffer,
  sent: number,
  stored: () => Promise<boolean>,
): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  socket.write(
    [
      `PATCH /api/v1/uploads/${id} HTTP/1.1`,
      'Host: 127.0.0.1',
      `Authorization: ${authHeader}`,
      'Tus-Resumable: 1.0.0',
      `Upload-Offset: ${offset}`,
      `Content-Type: ${OFFSET_STREAM}`,
      `Content-Length: ${chunk.length}`,
      '',
      '',
    ].join('\r\n'),
  );
  socket.write(chunk.subarray(0, sent));
  while (!(await stored())) await new Promise((resolve) => setTimeout(resolve, 20));
  socket.destroy();
}
