import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { TrimLowercase, trimmedText } from 'src/common/validation/transforms.util';
import { CurrentPasswordField } from 'src/modules/users/user-fields.decorator';

export class LoginDto {
  /** Email or username. */
  @ApiProperty({
    ...trimmedText(1, 254),
    example: 'ada@example.com',
  })
  @TrimLowercase()
  @IsDefined({ message: 'Email or username is required' })
  @IsString({ message: 'identifier must be a string' })
  @IsNotEmpty({ message: 'Email or username is required' })
  @MaxLength(254, { message: 'identifier must be at most 254 characters' })
  identifier: string;

  @CurrentPasswordField('password', 'Password is required')
  password: string;
}
