import express, { type Request, type RequestHandler, type Response } from 'express';
import { CommonErrors } from 'src/common/errors/common.errors';
import { isJsonType, runBodyParser } from 'src/common/http/body-parser.util';

const parsers = new Map<string, RequestHandler>();

/**
 * The exact bytes of a JSON request body, as text, for a `@StreamBody()` route that must check a
 * signature over them (a webhook). `application/json` only (415 otherwise), at most `limit`
 * (413 beyond, before more is read), never decompressed; an empty body is ''.
 */
export async function readRawJsonBody(req: Request, res: Response, limit: string): Promise<string> {
  const contentType = req.headers['content-type'];
  if (contentType !== undefined && !isJsonType(contentType))
    throw CommonErrors.unsupportedContentType();
  let parser = parsers.get(limit);
  if (!parser) {
    parser = express.raw({ limit, type: () => true, inflate: false });
    parsers.set(limit, parser);
  }
  req.body = undefined;
  await runBodyParser(parser, req, res);
  const body: unknown = req.body;
  req.body = undefined;
  return Buffer.isBuffer(body) ? body.toString('utf8') : '';
}
