import { DynamicModule, Module } from '@nestjs/common';
import { ActiveTrackerModule, ActiveTrackerModuleOptions } from '@active-tracker/nestjs';
import { AdminModule } from './admin/admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CatalogModule } from './catalog/catalog.module.js';
import { CheckoutModule } from './checkout/checkout.module.js';
import { DiagnosticsModule } from './diagnostics/diagnostics.module.js';
import { HealthModule } from './health/health.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { UsersModule } from './users/users.module.js';

/** The demo's feature modules, identical with and without the tracker. */
const FEATURES = [UsersModule, AuthModule, OrdersModule, CatalogModule, DiagnosticsModule, AdminModule, HealthModule];

/**
 * Root module of the demo host. Built dynamically so the bare variant (`false`) contains no
 * tracker at all, which is what the overhead benchmark and the byte-identity tests compare to.
 */
@Module({})
export class DemoAppModule {
  static register(tracker: ActiveTrackerModuleOptions | false, paymentsUrl?: string): DynamicModule {
    // The tracker comes first so its context middleware wraps every other middleware and route.
    const trackerImports = tracker === false ? [] : [ActiveTrackerModule.forRoot(tracker)];
    return { module: DemoAppModule, imports: [...trackerImports, ...FEATURES, CheckoutModule.register(paymentsUrl)] };
  }
}
