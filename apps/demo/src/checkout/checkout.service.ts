import { Injectable, Logger, Optional } from '@nestjs/common';
import { ActiveTracker, notify } from '@active-tracker/nestjs';
import type { CheckoutDto } from './checkout.dto.js';
import { PaymentsClient } from './payments.client.js';

const PRICE_CENTS = 1250;

/** A checkout that does what real ones do: logs, emits domain events, calls a payments API. */
@Injectable()
export class CheckoutService {
  private readonly logger = new Logger(CheckoutService.name);

  constructor(
    private readonly payments: PaymentsClient,
    @Optional() private readonly tracker?: ActiveTracker,
  ) {}

  async checkout({ item, quantity }: CheckoutDto): Promise<{ item: string; quantity: number; chargeId: string }> {
    this.logger.log(`Checking out ${quantity} x ${item}`);
    // A structured event (EventReporter); recorded when the events plugin has recordNotify on.
    notify('checkout.started', { item, quantity });
    const charge = await this.payments.charge(PRICE_CENTS * quantity);
    this.logger.log(`Payment ${charge.chargeId} answered ${charge.status}`);
    // A custom event with its backtrace (the original gem's "simple system of triggering events").
    this.tracker?.event('order.placed', `${quantity} x ${item}`, { item, quantity, chargeId: charge.chargeId });
    return { item, quantity, chargeId: charge.chargeId };
  }
}
