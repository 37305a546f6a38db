import { Inject, Injectable, Optional } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import type { AddressInfo } from 'node:net';

/** Where the payments "third-party API" lives; unset = the demo's own /payments/charge. */
export const PAYMENTS_URL = Symbol('DEMO_PAYMENTS_URL');

/** Calls the payments provider over real HTTP (fetch), so the tracker sees an outbound call. */
@Injectable()
export class PaymentsClient {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly appConfig: ApplicationConfig,
    @Optional() @Inject(PAYMENTS_URL) private readonly configuredUrl?: string,
  ) {}

  async charge(amountCents: number): Promise<{ chargeId: string; status: number }> {
    const res = await fetch(this.url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amountCents }),
    });
    const body = (await res.json().catch(() => ({}))) as { chargeId?: string };
    return { chargeId: body.chargeId ?? 'unknown', status: res.status };
  }

  private url(): string {
    if (this.configuredUrl) return this.configuredUrl;
    const address = this.adapterHost.httpAdapter.getHttpServer().address() as AddressInfo;
    const prefix = this.appConfig.getGlobalPrefix().replace(/^\/+|\/+$/g, '');
    return `http://127.0.0.1:${address.port}/${prefix ? `${prefix}/` : ''}payments/charge`;
  }
}
