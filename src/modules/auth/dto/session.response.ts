import { ApiProperty } from '@nestjs/swagger';
import { SESSION_ID_PATTERN } from 'src/common/auth/session-id.util';

/** One of the caller's live sessions (one per login), as `GET /auth/sessions` shows it. */
export class SessionResponse {
  /** The session id (128 random bits, base64url): what `DELETE /auth/sessions/:sessionId` takes. */
  @ApiProperty({ pattern: SESSION_ID_PATTERN, example: 'q3ZsVh0w9yqL2c8pXW1n5A' })
  _id: string;

  /** True for the session of the credentials this request was made with. */
  current: boolean;

  /** The login that opened it. */
  @ApiProperty({ format: 'date-time', example: '2026-02-20T10:15:30.123Z' })
  createdAt: string;

  /** Login, the last refresh or the last authenticated request, to the minute. */
  @ApiProperty({ format: 'date-time', example: '2026-02-21T08:01:12.456Z' })
  lastUsedAt: string;

  /** The client's User-Agent at login or the last refresh (at most 256 characters); null when none was sent. */
  @ApiProperty({
    type: 'string',
    nullable: true,
    maxLength: 256,
    example: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)',
  })
  userAgent: string | null;

  /**
   * Where the client was at login or the last refresh, never its address: the IPv4 /24 or the
   * IPv6 /48 around it. Null when the server saw no IP address.
   */
  @ApiProperty({ type: 'string', nullable: true, example: '203.0.113.0/24' })
  ipHint: string | null;
}

/** `DELETE /auth/sessions`: how many sessions were ended. */
export class RevokedSessionsResponse {
  @ApiProperty({ type: 'integer', minimum: 0 })
  revoked: number;
}
