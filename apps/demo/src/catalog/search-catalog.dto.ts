import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

/** Body of POST /catalog/search; the global ValidationPipe rejects anything else with a 400. */
export class SearchCatalogDto {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  query: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}
