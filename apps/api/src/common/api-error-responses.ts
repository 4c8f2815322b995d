import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiProperty, ApiPropertyOptional, ApiUnauthorizedResponse } from '@nestjs/swagger';

/** The body of every 4xx/5xx answer (the one exception filter, libs/platform). */
export class ErrorResponseDto {
  @ApiProperty({ example: 'validation_failed', description: 'Machine-readable error code' })
  error: string;
  @ApiProperty({ example: 'name must be a string' })
  message: string;
  @ApiPropertyOptional({ example: 'name', description: 'The request field at fault, when there is one' })
  field?: string;
}

/** The errors every authenticated Ballast API route can answer with, on a controller (applies to each of its operations). */
export function ApiErrorResponses(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiBadRequestResponse({ description: 'Bad input; `field` names the field', type: ErrorResponseDto }),
    ApiUnauthorizedResponse({ description: 'No or invalid bearer token', type: ErrorResponseDto }),
    ApiForbiddenResponse({ description: "Another team's data, or a reference to it (`field` names the reference)", type: ErrorResponseDto }),
    ApiNotFoundResponse({ description: 'No such resource visible to this token', type: ErrorResponseDto }),
  );
}
