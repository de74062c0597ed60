import { ApiProperty } from '@nestjs/swagger';

/** OwnerLite: how a user appears as the owner of content. */
export class OwnerLiteResponse {
  @ApiProperty({ example: '665f1c2e8b3f4a0012ab34cd' })
  _id: string;

  username: string;
  name: string;
  profileImage: string;
}
