import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the Resend API (`POST /emails`), for driving the real SDK adapter in tests.
 * It checks what Resend checks (Bearer API key, JSON body, required fields) and answers in Resend's
 * shapes: `{ id }`, or `{ statusCode, name, message }` with the documented status
 * (401 missing_api_key, 403 invalid_api_key, 422 missing_required_field / validation_error).
 *
 * Point the adapter at it with `RESEND_BASE_URL=<fake.url>` and `RESEND_API_KEY=<fake.apiKey>`.
 */

export interface FakeResendEmail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string | undefined;
  html: string | undefined;
  receivedAt: Date;
}

export interface FakeResendRejection {
  status: number;
  name: string;
  message: string;
}

class ResendError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

export class FakeResendServer {
  readonly emails: FakeResendEmail[] = [];
  readonly rejections: FakeResendRejection[] = [];
  private readonly failures: ResendError[] = [];

  private readonly server: Server = createServer((req, res) => void this.handle(req, res));

  private constructor(readonly apiKey: string) {}

  /** Listens on 127.0.0.1 on a free port. */
  static async start(options: { apiKey?: string } = {}): Promise<FakeResendServer> {
    const fake = new FakeResendServer(options.apiKey ?? 're_test_fake_key');
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', resolve);
    });
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next request is refused with this status (default: Resend's 500 application_error). */
  failNext(
    statusCode = 500,
    name = 'application_error',
    message = 'An unexpected error occurred.',
  ): void {
    this.failures.push(new ResendError(statusCode, name, message));
  }

  /** Messages received for one address, oldest first. */
  emailsTo(address: string): FakeResendEmail[] {
    return this.emails.filter((email) => email.to.includes(address));
  }

  reset(): void {
    this.emails.length = 0;
    this.rejections.length = 0;
    this.failures.length = 0;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const raw = await readBody(req);
      const failure = this.failures.shift();
      if (failure) throw failure;

      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/emails')
        throw new ResendError(404, 'not_found', 'The requested endpoint does not exist.');
      if (req.method !== 'POST') {
        throw new ResendError(
          405,
          'method_not_allowed',
          'Method is not allowed for the requested path.',
        );
      }

      const authorization = req.headers.authorization;
      if (!authorization?.startsWith('Bearer ') || authorization.length === 'Bearer '.length) {
        throw new ResendError(
          401,
          'missing_api_key',
          'Missing API key in the authorization header.',
        );
      }
      if (authorization.slice('Bearer '.length) !== this.apiKey) {
        throw new ResendError(403, 'invalid_api_key', 'API key is invalid.');
      }

      const email = this.accept(parseJson(raw));
      this.emails.push(email);
      send(res, 200, { id: email.id });
    } catch (error) {
      const failure =
        error instanceof ResendError
          ? error
          : new ResendError(500, 'application_error', String(error));
      this.rejections.push({
        status: failure.statusCode,
        name: failure.errorName,
        message: failure.message,
      });
      send(res, failure.statusCode, {
        statusCode: failure.statusCode,
        name: failure.errorName,
        message: failure.message,
      });
    }
  }

  private accept(body: Record<string, unknown>): FakeResendEmail {
    for (const field of ['from', 'to', 'subject']) {
      if (body[field] === undefined || body[field] === null || body[field] === '') {
        throw new ResendError(422, 'missing_required_field', `Missing \`${field}\` field.`);
      }
    }
    const { from, subject, text, html } = body;
    const to = Array.isArray(body.to) ? body.to : [body.to];
    if (
      typeof from !== 'string' ||
      typeof subject !== 'string' ||
      !to.every((item) => typeof item === 'string')
    ) {
      throw new ResendError(422, 'validation_error', 'Invalid `from`, `to` or `subject` field.');
    }
    if (to.length > 50)
      throw new ResendError(422, 'validation_error', 'Too many recipients (max 50).');
    if (typeof text !== 'string' && typeof html !== 'string') {
      throw new ResendError(422, 'missing_required_field', 'Missing `html` or `text` field.');
    }
    return {
      id: randomUUID(),
      from,
      to,
      subject,
      text: typeof text === 'string' ? text : undefined,
      html: typeof html === 'string' ? html : undefined,
      receivedAt: new Date(),
    };
  }
}

function parseJson(raw: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through to the validation error below
  }
  throw new ResendError(422, 'validation_error', 'The request body must be a JSON object.');
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req as AsyncIterable<Buffer>) parts.push(part);
  return Buffer.concat(parts);
}

function send(res: ServerResponse, status: number, body: object): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
  });
  res.end(json);
}
