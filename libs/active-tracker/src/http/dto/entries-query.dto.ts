import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { LOG_LEVELS, type LogLevel } from '../../contracts/log-level.js';
import { COUNTER_GRANULARITIES, type CounterGranularity } from '../../storage/counters.js';
import { FAMILY_ORDERS, type FamilyOrder } from '../../storage/entry-repository.js';

export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const TYPE_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The filters of `GET entries` and `GET stream` (see EntrySearchParams in contracts/api.ts).
 * `tag` may be given several times (every tag must match).
 */
export class EntryFiltersDto {
  @IsOptional()
  @IsString()
  @Matches(TYPE_PATTERN, { message: 'type must be an entry type such as "request"' })
  type?: string;

  @IsOptional()
  @Transform(({ value }) => (Array.isArray(value) ? value : [value]))
  @IsArray()
  @ArrayMaxSize(10, { message: 'at most 10 tag filters' })
  @IsString({ each: true })
  @MaxLength(512, { each: true })
  @Matches(/^[^:]+:.*$/s, { each: true, message: 'tag must be "key:value"' })
  tag?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(128)
  family?: string;

  @IsOptional()
  @IsString()
  @Matches(ULID_PATTERN, { message: 'batch must be a ULID' })
  batch?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z]{1,16}$/, { message: 'method must be an HTTP method such as GET' })
  method?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512, { message: 'path must be at most 512 characters' })
  path?: string;

  @IsOptional()
  @IsString()
  @Matches(/^([1-5]\d\d|[1-5]xx)$/i, { message: 'status must be a status code (500) or a class (1xx to 5xx)' })
  status?: string;

  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'minDurationMs must be a number of milliseconds' })
  @Min(0, { message: 'minDurationMs must not be negative' })
  minDurationMs?: number;

  @IsOptional()
  @IsIn(LOG_LEVELS as unknown as LogLevel[], { message: `level must be one of ${LOG_LEVELS.join(', ')}` })
  level?: LogLevel;

  @ValidateIf((o: EntryFiltersDto) => o.after !== undefined)
  @IsString()
  @Matches(ULID_PATTERN, { message: 'after must be an entry id (ULID)' })
  after?: string;
}

/** Query of `GET entries`: the filters, a cursor and a page size. */
export class EntriesQueryDto extends EntryFiltersDto {
  @IsOptional()
  @IsString()
  @Matches(ULID_PATTERN, { message: 'before must be an entry id (ULID)' })
  before?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(1000)
  limit?: number;
}

/** Query of `GET stream`: the filters; `after` replays what was written since (like Last-Event-ID). */
export class StreamQueryDto extends EntryFiltersDto {}

/** Query of `GET overview` and `GET exceptions/families/:hash`. */
export class RangeQueryDto {
  @IsOptional()
  @IsIn(['hour', 'day'], { message: 'range must be hour or day' })
  range?: 'hour' | 'day';
}

/** Body of `POST recording`. */
export class RecordingBodyDto {
  @IsBoolean({ message: 'recording must be true or false' })
  recording!: boolean;
}

/** Query of `GET families` and `GET exceptions/families`. */
export class FamiliesQueryDto {
  @IsOptional()
  @IsString()
  @Matches(TYPE_PATTERN, { message: 'type must be an entry type such as "query"' })
  type?: string;

  @IsOptional()
  @IsIn(FAMILY_ORDERS as FamilyOrder[], { message: `orderBy must be one of ${FAMILY_ORDERS.join(', ')}` })
  orderBy?: FamilyOrder;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  before?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(1000)
  limit?: number;
}

/** Query of `GET counters`. `from`/`to` are ISO-8601 times or epoch milliseconds. */
export class CountersQueryDto {
  @IsString()
  @Matches(/^[A-Za-z0-9_.:-]{1,100}$/, { message: 'name must be a counter name such as "requests"' })
  name!: string;

  @IsOptional()
  @IsIn(COUNTER_GRANULARITIES as CounterGranularity[], { message: `granularity must be one of ${COUNTER_GRANULARITIES.join(', ')}` })
  granularity?: CounterGranularity;

  @IsOptional()
  @IsString()
  @Matches(/^(\d{1,15}|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/, { message: 'from must be an ISO-8601 time or epoch milliseconds' })
  from?: string;

  @IsOptional()
  @IsString()
  @Matches(/^(\d{1,15}|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/, { message: 'to must be an ISO-8601 time or epoch milliseconds' })
  to?: string;
}
