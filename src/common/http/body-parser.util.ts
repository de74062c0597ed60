import type { Request, RequestHandler, Response } from 'express';

/** Whether a `Content-Type` names JSON (`application/json`, any parameters). */
export function isJsonType(contentType: string): boolean {
  return contentType.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** Runs an Express body parser on the request outside Express's chain; rejects with its error. */
export function runBodyParser(parser: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    parser(req, res, (error?: unknown) =>
      error ? reject(error instanceof Error ? error : new Error('Body parser failed')) : resolve(),
    ),
  );
}
