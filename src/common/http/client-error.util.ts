import { randomUUID } from 'node:crypto';
import { type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import { AppException } from 'src/common/errors/app.exception';
import { CommonErrors } from 'src/common/errors/common.errors';
import { errorBody } from 'src/common/errors/error-body.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { NO_STORE } from 'src/common/http/http-caching.middleware';
import { REQUEST_ID_HEADER } from 'src/common/http/request-id.middleware';

const logger = new Logger('HttpServer');

/** The status Node itself answers each early error with (its `socketOnError`); others are 400. */
const EARLY_ERRORS = new Map<string, () => AppException>([
  ['HPE_HEADER_OVERFLOW', () => new AppException(ErrorCode.HEADERS_TOO_LARGE)],
  ['HPE_CHUNK_EXTENSIONS_OVERFLOW', CommonErrors.bodyTooLarge],
  ['ERR_HTTP_REQUEST_TIMEOUT', () => new AppException(ErrorCode.REQUEST_TIMEOUT)],
]);

function exceptionFor(code: string | undefined): AppException {
  const known = code === undefined ? undefined : EARLY_ERRORS.get(code);
  return known ? known() : AppException.badRequest('Bad request');
}

/**
 * Errors Node's HTTP server meets before there is a request to route (docs/api.md#error-body): a
 * malformed request line or header, headers over the size limit, a request that missed the
 * server's headers or request timeout. Node would answer them with an empty body; they get the
 * error body and a request id instead, then the connection is closed. Whatever sets the
 * timeouts or limits, every such error goes through here.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node does: never write into a response that has started, nor to a peer that is gone.
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const exception = exceptionFor(error.code);
    const requestId = randomUUID();
    const body = JSON.stringify(errorBody(exception, requestId));
    logger.warn(`${exception.code} (${error.code ?? error.name}), request ${requestId}`);
    const head = [
      `HTTP/1.1 ${exception.status} ${STATUS_CODES[exception.status] ?? ''}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      `Cache-Control: ${NO_STORE}`,
      'X-Content-Type-Options: nosniff',
      `${REQUEST_ID_HEADER}: ${requestId}`,
      'Connection: close',
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
  });
}
