import { DynamicModule, Module } from '@nestjs/common';
import { ActiveTrackerModule, ActiveTrackerModuleOptions } from '@active-tracker/nestjs';
import { AdminModule } from './admin/admin.module.js';
import { AssistantModule } from './assistant/assistant.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BLOG_ENTITIES, BlogModule } from './blog/blog.module.js';
import { CatalogModule } from './catalog/catalog.module.js';
import { CheckoutModule } from './checkout/checkout.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DiagnosticsModule } from './diagnostics/diagnostics.module.js';
import { HealthModule } from './health/health.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { UsersModule } from './users/users.module.js';

/** The demo's feature modules, identical with and without the tracker. */
const FEATURES = [UsersModule, AuthModule, OrdersModule, CatalogModule, DiagnosticsModule, AdminModule, HealthModule, AssistantModule, BlogModule];

/**
 * Root module of the demo host. Built dynamically so the bare variant (`false`) contains no
 * tracker at all, which is what the overhead benchmark and the byte-identity tests compare to.
 */
@Module({})
export class DemoAppModule {
  /** `databaseUrl`: a PostgreSQL URL, or unset for the embedded sql.js database. */
  static register(tracker: ActiveTrackerModuleOptions | false, paymentsUrl?: string, databaseUrl?: string): DynamicModule {
    // The tracker comes first so its context middleware wraps every other middleware and route.
    const trackerImports = tracker === false ? [] : [ActiveTrackerModule.forRoot(tracker)];
    return {
      module: DemoAppModule,
      imports: [...trackerImports, DatabaseModule.forRoot(databaseUrl, BLOG_ENTITIES), ...FEATURES, CheckoutModule.register(paymentsUrl)],
    };
  }
}
