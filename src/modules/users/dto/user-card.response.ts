import { ApiProperty } from '@nestjs/swagger';

/** UserCard: one user search result. */
export class UserCardResponse {
  @ApiProperty({ example: '665f1c2e8b3f4a0012ab34cd' })
  _id: string;

  username: string;
  name: string;
  profileImage: string;
  isVerified: boolean;
}
