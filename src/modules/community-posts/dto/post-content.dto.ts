import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { validationErrors } from 'src/common/errors/define-error.util';
import { Required } from 'src/common/validation/rules.util';
import { Trim, trimmedText } from 'src/common/validation/transforms.util';

const MAX_LENGTH = 5000;

const CONTENT_MESSAGES = {
  required: 'Content is required',
  tooLong: `Content must be at most ${MAX_LENGTH} characters`,
};

/** The content rule's failures, which the routes taking this body document. */
export const POST_CONTENT_ERRORS = validationErrors(CONTENT_MESSAGES);

/**
 * Creating and editing a post: the same rule on both, so an edit cannot store "" or 6000
 * characters.
 */
export class PostContentDto {
  @ApiProperty({
    ...trimmedText(1, MAX_LENGTH),
    example: 'New choreography drops on Friday!',
  })
  @Trim()
  @Required(CONTENT_MESSAGES.required)
  @IsString({ message: 'content must be a string' })
  @MaxLength(MAX_LENGTH, { message: CONTENT_MESSAGES.tooLong })
  content: string;
}
