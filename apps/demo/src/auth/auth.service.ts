import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { redactCurrent } from '@active-tracker/nestjs';
import { LoginDto } from './login.dto.js';

/** Issues demo session tokens; any well-formed credentials are accepted. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  login({ email, password }: LoginDto): { token: string; email: string } {
    // The function form works outside DI; a no-op when the tracker is absent.
    redactCurrent(password);
    this.logger.log(`Login succeeded for ${email}`);
    return { token: randomBytes(24).toString('hex'), email };
  }
}
