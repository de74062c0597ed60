import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by the request-id middleware before anything else runs. */
      requestId: string;
      /** Set by the global auth guard; null for anonymous callers. */
      principal?: AuthPrincipal | null;
    }
  }
}

export {};
