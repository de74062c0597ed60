import { coarseIpHint } from 'src/common/http/client-ip.util';
import type { SessionResponse } from 'src/modules/auth/dto/session.response';
import type { ListedSession } from 'src/modules/auth/sessions.repository';

/**
 * A live session as its owner sees it (`GET /auth/sessions`). A session from before `ipHint` shows
 * its legacy address's hint.
 */
export function toSessionResponse(
  session: ListedSession,
  currentSessionId: string,
): SessionResponse {
  return {
    _id: session._id,
    current: session._id === currentSessionId,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    userAgent: session.userAgent ? session.userAgent : null,
    ipHint: session.ipHint ?? (session.ip ? coarseIpHint(session.ip) : null),
  };
}
