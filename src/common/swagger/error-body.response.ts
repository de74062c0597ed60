import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from 'src/common/errors/error-code.constant';

export class FieldErrorResponse {
  @ApiProperty({ example: 'email' })
  field: string;

  @ApiProperty({ enum: ['body', 'query', 'params', 'file'] })
  location: string;

  @ApiProperty({ example: 'Invalid email format' })
  message: string;
}

/** The one error body (docs/api.md#error-body). */
export class ErrorBodyResponse {
  @ApiProperty({ type: 'integer', example: 400 })
  statusCode: number;

  @ApiProperty({ enum: [false] })
  success: boolean;

  @ApiProperty({ example: 'Invalid ID' })
  message: string;

  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode' })
  code: ErrorCode;

  @ApiProperty({ description: 'Equals the X-Request-Id response header' })
  requestId: string;

  @ApiPropertyOptional({
    type: [FieldErrorResponse],
    description: 'Only with VALIDATION_ERROR and INVALID_ID',
  })
  errors?: FieldErrorResponse[];

  @ApiPropertyOptional({ description: 'Only when NODE_ENV=development' })
  stack?: string;
}
