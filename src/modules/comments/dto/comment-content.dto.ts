import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { Required } from 'src/common/validation/rules.util';
import { Trim, trimmedText } from 'src/common/validation/transforms.util';

/** C2, C4, C5: trimmed first, so whitespace-only content is "required", on create and on edit alike. */
export class CommentContentDto {
  @ApiProperty({
    ...trimmedText(1, 1000),
    example: 'Love the footwork at 0:42!',
  })
  @Trim()
  @Required('Comment Content is required')
  @IsString({ message: 'content must be a string' })
  @MaxLength(1000, { message: 'Comment must be at most 1000 characters' })
  content: string;
}
