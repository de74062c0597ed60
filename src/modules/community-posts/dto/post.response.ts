import { ApiProperty } from '@nestjs/swagger';
import { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';

/** Post: a community post with its owner and the caller-dependent like figures. */
export class PostResponse {
  @ApiProperty({ example: '665f1c2e8b3f4a0012ab34cd' })
  _id: string;

  @ApiProperty({ type: () => OwnerLiteResponse })
  owner: OwnerLiteResponse;

  @ApiProperty({ minLength: 1, maxLength: 5000 })
  content: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  likesCount: number;

  /** The caller likes this post; false for anonymous callers. */
  isLiked: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}
