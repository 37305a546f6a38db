import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** What `GET <mountpoint>/api/queries/families` sorts by (always descending). */
export const QUERY_FAMILY_SORTS = ['count', 'total', 'avg', 'max', 'p95'] as const;
export type QueryFamilySort = (typeof QUERY_FAMILY_SORTS)[number];

/** Query of `GET <mountpoint>/api/queries/families` (400 with every problem). */
export class QueryFamiliesQueryDto {
  /** Default `total`: where the database time goes. */
  @IsOptional()
  @IsIn(QUERY_FAMILY_SORTS as unknown as string[], { message: `sort must be one of ${QUERY_FAMILY_SORTS.join(', ')}` })
  sort?: QueryFamilySort;

  /** Page size (default the tracker's `perPage`, at most 1000). */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(1000, { message: 'limit must be at most 1000' })
  limit?: number;

  /** The `next` cursor of the previous page (same sort). */
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'before must be a cursor from a previous page' })
  before?: string;
}

/** Query of `GET <mountpoint>/api/queries/families/:hash`. */
export class QueryFamilyQueryDto {
  /** Recent executions listed (default 20, at most 100). */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(100, { message: 'limit must be at most 100' })
  limit?: number;
}
