import { Controller, Get, Inject, Logger, Module, Query } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import http from 'node:http';
import { ActiveTracker, ActiveTrackerModule, type ActiveTrackerModuleOptions } from '@active-tracker/nestjs';
import { eventReporter } from '@active-tracker/nestjs';

const OUTBOUND_URL = Symbol('OUTBOUND_URL');

/** POSTs `body` with node:http and resolves with the status once the body is read. */
function postWithHttp(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A checkout that does what real handlers do: logs, notifies, records a custom event and calls two APIs. */
@Controller('shop')
class ShopController {
  private readonly logger = new Logger('Checkout');

  constructor(
    private readonly tracker: ActiveTracker,
    @Inject(OUTBOUND_URL) private readonly outbound: string,
  ) {}

  @Get('checkout')
  async checkout(@Query('order') order = '1') {
    this.logger.log(`checkout of order ${order} started`);
    eventReporter.setContext({ shop: 'main' });
    eventReporter.tagged('checkout', () => {
      eventReporter.notify('order.checked_out', { orderId: Number(order), cardToken: 'tok_live_123' });
    });
    const quote = await fetch(`${this.outbound}/ok?order=${order}&api_key=sk_live_456`);
    await quote.text();
    const charged = await postWithHttp(`${this.outbound}/echo?order=${order}`, JSON.stringify({ amount: 990 }));
    this.tracker.event('checkout.completed', `Order ${order} completed`, { order, charged });
    this.logger.warn(`order ${order} paid with status ${charged}`);
    return { ok: true, order };
  }
}

export interface BusScenarioOptions {
  /** Base URL of the third-party API the checkout calls (a server started by the test). */
  outboundUrl: string;
  tracker?: ActiveTrackerModuleOptions;
}

/** A small host app for the bus plugins (logs, events, outbound HTTP). */
export async function createBusScenarioApp(opts: BusScenarioOptions): Promise<INestApplication> {
  @Module({
    imports: [ActiveTrackerModule.forRoot(opts.tracker ?? {})],
    controllers: [ShopController],
    providers: [{ provide: OUTBOUND_URL, useValue: opts.outboundUrl }],
  })
  class BusScenarioModule {}
  const moduleRef = await Test.createTestingModule({ imports: [BusScenarioModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}
