import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { validationErrors } from 'src/common/errors/define-error.util';
import { Required } from 'src/common/validation/rules.util';
import { Trim, trimmedText } from 'src/common/validation/transforms.util';

const MAX_LENGTH = 1000;

const CONTENT_MESSAGES = {
  required: 'Comment Content is required',
  tooLong: `Comment must be at most ${MAX_LENGTH} characters`,
};

/** The content rule's failures, which the routes taking this body document. */
export const COMMENT_CONTENT_ERRORS = validationErrors(CONTENT_MESSAGES);

/** Adding and editing: trimmed first, so whitespace-only content is "required" on both. */
export class CommentContentDto {
  @ApiProperty({
    ...trimmedText(1, MAX_LENGTH),
    example: 'Love the footwork at 0:42!',
  })
  @Trim()
  @Required(CONTENT_MESSAGES.required)
  @IsString({ message: 'content must be a string' })
  @MaxLength(MAX_LENGTH, { message: CONTENT_MESSAGES.tooLong })
  content: string;
}
