import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';

/** Query string of GET /slow; values above the cap are clamped, not rejected. */
export class SlowQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  ms?: number;
}
