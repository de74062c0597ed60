import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString, MaxLength } from 'class-validator';
import { Trim, trimmedText } from 'src/common/validation/transforms.util';

/** `""` clears the bio; only a missing field is an error. */
export class UpdateBioDto {
  @ApiProperty(trimmedText(0, 160))
  @Trim()
  @IsDefined({ message: 'Bio is required' })
  @IsString({ message: 'bio must be a string' })
  @MaxLength(160, { message: 'Bio must be at most 160 characters' })
  bio: string;
}
