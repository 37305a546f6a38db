import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { COUNTER_GRANULARITIES, type CounterGranularity } from '../../storage/counters.js';
import { FAMILY_ORDERS, type FamilyOrder } from '../../storage/entry-repository.js';

export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const TYPE_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** Query of `GET entries`. `tag` may be given several times (every tag must match). */
export class EntriesQueryDto {
  @IsOptional() @IsString() @Matches(TYPE_PATTERN, { message: 'type must be an entry type such as "request"' })
  type?: string;

  @IsOptional()
  @Transform(({ value }) => (Array.isArray(value) ? value : [value]))
  @IsArray()
  @ArrayMaxSize(10, { message: 'at most 10 tag filters' })
  @IsString({ each: true })
  @MaxLength(512, { each: true })
  @Matches(/^[^:]+:.*$/s, { each: true, message: 'tag must be "key:value"' })
  tag?: string[];

  @IsOptional() @IsString() @MaxLength(128)
  family?: string;

  @IsOptional() @IsString() @Matches(ULID_PATTERN, { message: 'batch must be a ULID' })
  batch?: string;

  @IsOptional() @IsString() @MaxLength(200)
  q?: string;

  @IsOptional() @IsString() @Matches(ULID_PATTERN, { message: 'before must be an entry id (ULID)' })
  before?: string;

  @ValidateIf((o: EntriesQueryDto) => o.after !== undefined)
  @IsString()
  @Matches(ULID_PATTERN, { message: 'after must be an entry id (ULID)' })
  after?: string;

  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be an integer' }) @Min(1) @Max(1000)
  limit?: number;
}

/** Query of `GET families` and `GET exceptions/families`. */
export class FamiliesQueryDto {
  @IsOptional() @IsString() @Matches(TYPE_PATTERN, { message: 'type must be an entry type such as "query"' })
  type?: string;

  @IsOptional() @IsIn(FAMILY_ORDERS as FamilyOrder[], { message: `orderBy must be one of ${FAMILY_ORDERS.join(', ')}` })
  orderBy?: FamilyOrder;

  @IsOptional() @IsString() @MaxLength(200)
  before?: string;

  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be an integer' }) @Min(1) @Max(1000)
  limit?: number;
}

/** Query of `GET counters`. `from`/`to` are ISO-8601 times or epoch milliseconds. */
export class CountersQueryDto {
  @IsString() @Matches(/^[A-Za-z0-9_.:-]{1,100}$/, { message: 'name must be a counter name such as "requests"' })
  name!: string;

  @IsOptional() @IsIn(COUNTER_GRANULARITIES as CounterGranularity[], { message: `granularity must be one of ${COUNTER_GRANULARITIES.join(', ')}` })
  granularity?: CounterGranularity;

  @IsOptional() @IsString() @Matches(/^(\d{1,15}|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/, { message: 'from must be an ISO-8601 time or epoch milliseconds' })
  from?: string;

  @IsOptional() @IsString() @Matches(/^(\d{1,15}|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/, { message: 'to must be an ISO-8601 time or epoch milliseconds' })
  to?: string;
}
