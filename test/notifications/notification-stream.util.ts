import { type IncomingMessage, request as httpRequest } from 'node:http';
import type { TestUser } from 'test/factories/users.factory';

const PATH = '/api/v1/notifications/stream';

/** One server-sent event as the stream wrote it (a comment line is `{ comment }`). */
export interface StreamEvent {
  type?: string;
  id?: string;
  data?: unknown;
  comment?: string;
}

export interface OpenStream {
  status: number;
  contentType: string | undefined;
  cacheControl: string | undefined;
  events: StreamEvent[];
  /** Resolves with the first event from `from` on that matches. */
  next(match: (event: StreamEvent) => boolean, from?: number): Promise<StreamEvent>;
  /** Whether the server has ended the response. */
  readonly ended: boolean;
  /** Resolves when the server ends the response; rejects if it has not within 5 s. */
  end(): Promise<void>;
  close(): void;
}

/** Opens `GET /notifications/stream` on a listening app; events are parsed as they arrive. */
export function openStream(
  port: number,
  user: Pick<TestUser, 'authHeader'>,
  headers: Record<string, string> = {},
): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: PATH,
        headers: { Authorization: user.authHeader, Accept: 'text/event-stream', ...headers },
      },
      (res: IncomingMessage) => {
        const events: StreamEvent[] = [];
        const waiters: (() => void)[] = [];
        let buffer = '';
        let ended = false;
        const endWaiters: (() => void)[] = [];
        res.on('end', () => {
          ended = true;
          for (const wake of endWaiters.splice(0)) wake();
        });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            events.push(parseEvent(buffer.slice(0, end)));
            buffer = buffer.slice(end + 2);
          }
          for (const wake of waiters.splice(0)) wake();
        });
        res.on('error', () => undefined);
        const stream: OpenStream = {
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          cacheControl: res.headers['cache-control'],
          events,
          next: (match, from = 0) =>
            new Promise((found, fail) => {
              const timer = setTimeout(
                () => fail(new Error(`no matching event in ${JSON.stringify(events)}`)),
                5000,
              );
              const check = (): void => {
                const hit = events.slice(from).find(match);
                if (hit) {
                  clearTimeout(timer);
                  found(hit);
                } else waiters.push(check);
              };
              check();
            }),
          get ended() {
            return ended;
          },
          end: () =>
            new Promise((done, fail) => {
              if (ended) return done();
              const timer = setTimeout(() => fail(new Error('the stream did not end')), 5000);
              endWaiters.push(() => {
                clearTimeout(timer);
                done();
              });
            }),
          close: () => req.destroy(),
        };
        resolve(stream);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function parseEvent(block: string): StreamEvent {
  const event: StreamEvent = {};
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) event.comment = line.slice(1).trim();
    else if (line.startsWith('event: ')) event.type = line.slice(7);
    else if (line.startsWith('id: ')) event.id = line.slice(4);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (data.length > 0) event.data = JSON.parse(data.join('\n')) as unknown;
  return event;
}
