import { IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

/** Body of POST /checkout. */
export class CheckoutDto {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  item: string;

  @IsInt()
  @Min(1)
  @Max(100)
  quantity: number;
}
