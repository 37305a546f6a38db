import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Body of POST /users; the global ValidationPipe rejects anything else with a 400. */
export class CreateUserDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;

  @IsEmail()
  email: string;
}
