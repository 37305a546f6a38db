// class-transformer's @Type reads decorator metadata when this file loads (also outside a Nest app).
import 'reflect-metadata';
import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { ULID_PATTERN } from '../../plugin-api.js';
import { LLM_REVIEW_STATES, LLM_STATUSES } from './llm.types.js';

const TIME = /^(\d{1,15}|\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/;
const NAME = /^[^\s|][^|]{0,199}$/;

/** Filters shared by the list, the export and the KPIs. */
export class LlmFiltersDto {
  @IsOptional()
  @IsString()
  @Matches(NAME, { message: 'provider must be a provider name' })
  provider?: string;

  @IsOptional()
  @IsString()
  @Matches(NAME, { message: 'model must be a model name' })
  model?: string;

  @IsOptional()
  @IsString()
  @Matches(NAME, { message: 'project must be a project name' })
  project?: string;

  @IsOptional()
  @IsIn(LLM_STATUSES as string[], { message: `status must be one of ${LLM_STATUSES.join(', ')}` })
  status?: string;

  @IsOptional()
  @IsIn(LLM_REVIEW_STATES as string[], { message: `review must be one of ${LLM_REVIEW_STATES.join(', ')}` })
  review?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  tag?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  user?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  session?: string;

  @IsOptional()
  @IsString()
  @Matches(TIME, { message: 'from must be an ISO date or time, or epoch milliseconds' })
  from?: string;

  @IsOptional()
  @IsString()
  @Matches(TIME, { message: 'to must be an ISO date or time, or epoch milliseconds' })
  to?: string;
}

/** `GET interactions`. */
export class LlmListQueryDto extends LlmFiltersDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(1000)
  limit?: number;

  @IsOptional()
  @IsString()
  @Matches(ULID_PATTERN, { message: 'before must be an interaction id (ULID)' })
  before?: string;
}

/** `GET export`. */
export class LlmExportQueryDto extends LlmFiltersDto {
  @IsIn(['csv', 'ndjson'], { message: 'format must be csv or ndjson' })
  format!: 'csv' | 'ndjson';
}

/** `GET rollups` and `GET kpis`. */
export class LlmRollupQueryDto {
  @IsOptional()
  @IsString()
  @Matches(NAME, { message: 'provider must be a provider name' })
  provider?: string;

  @IsOptional()
  @IsString()
  @Matches(NAME, { message: 'model must be a model name' })
  model?: string;

  @IsOptional()
  @IsString()
  @Matches(NAME, { message: 'project must be a project name' })
  project?: string;

  @IsOptional()
  @IsString()
  @Matches(TIME, { message: 'from must be an ISO date or time, or epoch milliseconds' })
  from?: string;

  @IsOptional()
  @IsString()
  @Matches(TIME, { message: 'to must be an ISO date or time, or epoch milliseconds' })
  to?: string;
}

/** `GET kpis`: the rollup filters plus any list filter (those are computed from the entries, bounded). */
export class LlmKpiQueryDto extends LlmFiltersDto {}

/** `PATCH interactions/:id/review`. */
export class LlmReviewDto {
  @IsIn(LLM_REVIEW_STATES as string[], { message: `state must be one of ${LLM_REVIEW_STATES.join(', ')}` })
  state!: string;

  @IsOptional()
  @IsString()
  @MaxLength(4000)
  comment?: string;

  /** The version the reviewer saw: 409 when the interaction changed meanwhile. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'expectedVersion must be an integer' })
  @Min(1)
  expectedVersion?: number;
}

/** `POST interactions/review` (bulk). */
export class LlmBulkReviewDto {
  @IsArray({ message: 'ids must be an array of interaction ids' })
  @ArrayMinSize(1, { message: 'ids must not be empty' })
  @ArrayMaxSize(500, { message: 'at most 500 ids at once' })
  @Matches(ULID_PATTERN, { each: true, message: 'each id must be an interaction id (ULID)' })
  ids!: string[];

  @IsIn(LLM_REVIEW_STATES as string[], { message: `state must be one of ${LLM_REVIEW_STATES.join(', ')}` })
  state!: string;

  @IsOptional()
  @IsString()
  @MaxLength(4000)
  comment?: string;
}

const COUNT = { message: '$property must be a number ≥ 0' };

/** An optional count or duration: a number ≥ 0 (the same stack as writing the three decorators). */
function OptionalCount(): PropertyDecorator {
  return applyDecorators(Min(0, COUNT), IsNumber({}, COUNT), IsOptional());
}

/** `POST interactions`: TraceBook's record fields. */
export class LlmRecordDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  provider!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  model!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  responseModel?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  project?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  operation?: string;

  @IsOptional()
  @Allow()
  requestPayload?: unknown;

  @IsOptional()
  @Allow()
  responsePayload?: unknown;

  @IsOptional()
  @IsString()
  requestText?: string;

  @IsOptional()
  @IsString()
  responseText?: string;

  @OptionalCount()
  inputTokens?: number;

  @OptionalCount()
  outputTokens?: number;

  @OptionalCount()
  cacheReadTokens?: number;

  @OptionalCount()
  cacheCreationTokens?: number;

  @OptionalCount()
  reasoningTokens?: number;

  @OptionalCount()
  latencyMs?: number;

  @OptionalCount()
  timeToFirstTokenMs?: number;

  @IsOptional()
  @IsIn(LLM_STATUSES as string[], { message: `status must be one of ${LLM_STATUSES.join(', ')}` })
  status?: 'success' | 'error' | 'canceled';

  @IsOptional()
  @IsString()
  @MaxLength(200)
  errorClass?: string;

  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  errorMessage?: string;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @ArrayMaxSize(20)
  finishReasons?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(100, { each: true })
  tags?: string[];

  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  user?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  sessionId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  parentId?: string;

  @IsOptional()
  @IsISO8601({}, { message: 'occurredAt must be an ISO time' })
  occurredAt?: string;

  @IsOptional()
  @IsBoolean()
  streamed?: boolean;
}

/** `POST pricing-rules`. */
export class LlmPricingRuleDto {
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'id must be 1-64 letters, digits, "_", "." or "-"' })
  id?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  provider?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  model!: string;

  @IsNumber({}, { message: 'inputPerMillion must be a price per 1M tokens' })
  @Min(0)
  inputPerMillion!: number;

  @IsNumber({}, { message: 'outputPerMillion must be a price per 1M tokens' })
  @Min(0)
  outputPerMillion!: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  cacheReadPerMillion?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  cacheWritePerMillion?: number;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as USD' })
  currency?: string;

  @IsOptional()
  @IsISO8601({}, { message: 'effectiveFrom must be an ISO date or time' })
  effectiveFrom?: string;

  @IsOptional()
  @IsISO8601({}, { message: 'effectiveTo must be an ISO date or time' })
  effectiveTo?: string;
}

/** `DELETE pricing-rules?id=`. */
export class LlmPricingRuleIdDto {
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'id must be a pricing rule id' })
  id!: string;
}
