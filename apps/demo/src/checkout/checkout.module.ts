import { DynamicModule, Module } from '@nestjs/common';
import { CheckoutController } from './checkout.controller.js';
import { CheckoutService } from './checkout.service.js';
import { PAYMENTS_URL, PaymentsClient } from './payments.client.js';

@Module({})
export class CheckoutModule {
  /** `paymentsUrl`: the payments API to call; unset = the demo's own /payments/charge. */
  static register(paymentsUrl?: string): DynamicModule {
    return {
      module: CheckoutModule,
      controllers: [CheckoutController],
      providers: [CheckoutService, PaymentsClient, { provide: PAYMENTS_URL, useValue: paymentsUrl ?? '' }],
    };
  }
}
