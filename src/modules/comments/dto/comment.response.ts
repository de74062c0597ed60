import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';

/** Comment (§1.12). Exactly one of `video` and `communityPost` is present. */
export class CommentResponse {
  @ApiProperty({ example: '665f1c2e8b3f4a0012ab34cd' })
  _id: string;

  @ApiProperty({ minLength: 1, maxLength: 1000 })
  content: string;

  @ApiPropertyOptional({
    description: 'Present on video comments only',
    example: '665f1c2e8b3f4a0012ab34ce',
  })
  video?: string;

  @ApiPropertyOptional({
    description: 'Present on post comments only',
    example: '665f1c2e8b3f4a0012ab34cf',
  })
  communityPost?: string;

  @ApiProperty({ type: () => OwnerLiteResponse })
  owner: OwnerLiteResponse;

  @ApiProperty({ type: 'integer', minimum: 0 })
  likesCount: number;

  /** The caller likes this comment; false for anonymous callers. */
  isLiked: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}
