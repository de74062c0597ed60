/** The authenticated caller, as the global guard resolved it from a live session. */
export interface AuthPrincipal {
  userId: string;
  sessionId: string;
}

/** What the access-token strategies made of credentials that were sent. */
export type AuthOutcome =
  | { kind: 'authenticated'; principal: AuthPrincipal }
  /** None authenticates; `expired` selects ACCESS_TOKEN_EXPIRED over UNAUTHORIZED. */
  | { kind: 'rejected'; expired: boolean };

export interface RequestCredentials {
  bearer: string | undefined;
  cookie: string | undefined;
}
