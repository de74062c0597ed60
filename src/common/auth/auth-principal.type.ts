/** The authenticated caller, as the global guard resolved it from a live session. */
export interface AuthPrincipal {
  userId: string;
  sessionId: string;
}

export type AuthOutcome =
  | { kind: 'none' }
  | { kind: 'authenticated'; principal: AuthPrincipal }
  /** Credentials were sent but none authenticates; `expired` selects ACCESS_TOKEN_EXPIRED. */
  | { kind: 'rejected'; expired: boolean };

export interface RequestCredentials {
  bearer: string | undefined;
  cookie: string | undefined;
}
