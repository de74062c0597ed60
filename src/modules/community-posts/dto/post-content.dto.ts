import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { Required } from 'src/common/validation/rules.util';
import { Trim, trimmedText } from 'src/common/validation/transforms.util';

/** P1 and P4: the same rule on create and on edit (§8), so an edit can no longer store "" or 6000 characters. */
export class PostContentDto {
  @ApiProperty({
    ...trimmedText(1, 5000),
    example: 'New choreography drops on Friday!',
  })
  @Trim()
  @Required('Content is required')
  @IsString({ message: 'content must be a string' })
  @MaxLength(5000, { message: 'Content must be at most 5000 characters' })
  content: string;
}
