import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { DeprecationKind } from './deprecation-entry.js';

const BOOLEAN_TEXT: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };

/** Query of `GET <mountpoint>/api/deprecations/report` (validated by the tracker: 400 with every problem). */
export class DeprecationsReportQueryDto {
  /** `true`: only what is past its sunset; `false`: only what is not. */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && value in BOOLEAN_TEXT ? BOOLEAN_TEXT[value] : value))
  @IsBoolean({ message: 'pastSunset must be true or false' })
  pastSunset?: boolean;

  /** Only endpoints, or only notices. */
  @IsOptional()
  @IsIn(['endpoint', 'notice'], { message: 'kind must be endpoint or notice' })
  kind?: DeprecationKind;

  /** Most rows (default 100, at most 1000), most recently used first. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(1000, { message: 'limit must be at most 1000' })
  limit?: number;
}
