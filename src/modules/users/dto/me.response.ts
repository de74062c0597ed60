import { ApiProperty } from '@nestjs/swagger';

/** Me: the signed-in user, as login, `/auth/me` and every user update return it. */
export class MeResponse {
  @ApiProperty({ example: '665f1c2e8b3f4a0012ab34cd' })
  _id: string;

  username: string;
  email: string;
  name: string;

  /** `""` when never set. */
  bio: string;

  profileImage: string;

  /** Always true for a signed-in user. */
  isVerified: boolean;

  /** Address awaiting confirmation (docs/api.md#email-change). */
  pendingEmail: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-02-20T10:15:30.123Z' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', example: '2026-02-20T10:15:30.123Z' })
  updatedAt: string;
}
