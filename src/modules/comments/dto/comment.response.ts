import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';

/** Comment. Exactly one of `video` and `communityPost` is present. */
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

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The top-level comment a reply belongs to; null on top-level comments',
    example: null,
  })
  parentId: string | null;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'Replies to this comment; present on top-level comments only',
  })
  replyCount?: number;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description:
      'On replies only: the id of the user whose reply this one answers (null when it answers the top-level comment)',
  })
  replyTo?: string | null;
}

/** A page of replies, oldest first, continued by `nextCursor`. */
export class ReplyPageResponse {
  @ApiProperty({ type: () => [CommentResponse] })
  docs: CommentResponse[];

  @ApiProperty({ type: 'integer', minimum: 0, description: "The comment's replyCount" })
  totalDocs: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100 })
  limit: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor: string | null;
}
