import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

/** Body of POST /auth/login. */
export class LoginDto {
  @IsEmail()
  email: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;
}
