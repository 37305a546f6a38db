import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { CheckoutDto } from './checkout.dto.js';
import { CheckoutService } from './checkout.service.js';

@Controller()
export class CheckoutController {
  constructor(private readonly checkoutService: CheckoutService) {}

  @Post('checkout')
  checkout(@Body() dto: CheckoutDto) {
    return this.checkoutService.checkout(dto);
  }

  /** The demo's stand-in payments provider (what PaymentsClient calls when no URL is configured). */
  @Post('payments/charge')
  @HttpCode(201)
  charge(): { chargeId: string } {
    return { chargeId: `ch_${randomBytes(6).toString('hex')}` };
  }
}
