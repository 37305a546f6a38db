import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** Query of `GET entries`. */
export class EntriesQueryDto {
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'type must be an entry type such as "request"' })
  type?: string;

  @IsOptional() @IsString() @MaxLength(512) @Matches(/^[^:]+:.*$/s, { message: 'tag must be "key:value"' })
  tag?: string;

  @IsOptional() @IsString() @MaxLength(128)
  family?: string;

  @IsOptional() @IsString() @Matches(ULID_PATTERN, { message: 'batch must be a ULID' })
  batch?: string;

  @IsOptional() @IsString() @MaxLength(200)
  q?: string;

  @IsOptional() @IsString() @Matches(ULID_PATTERN, { message: 'before must be an entry id (ULID)' })
  before?: string;

  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be an integer' }) @Min(1) @Max(1000)
  limit?: number;
}

/** Query of `GET exceptions/families`. */
export class FamiliesQueryDto {
  @IsOptional() @IsString() @MaxLength(64)
  before?: string;

  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be an integer' }) @Min(1) @Max(1000)
  limit?: number;
}
