import type { Request } from 'express';
import type { RequestCredentials } from 'src/common/auth/auth-principal.type';

export const ACCESS_COOKIE = 'accessToken';
export const REFRESH_COOKIE = 'refreshToken';

/** `Authorization: Bearer <token>` with a case-insensitive scheme; any other scheme is ignored. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function cookieValue(req: Request, name: string): string | undefined {
  const cookies = req.cookies as Record<string, unknown> | undefined;
  const value = cookies?.[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function accessCredentials(req: Request): RequestCredentials {
  return { bearer: bearerToken(req), cookie: cookieValue(req, ACCESS_COOKIE) };
}
