import { DynamicModule, Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { demoDataSourceOptions, type DemoEntities } from './database.options.js';

/** Closes the connection (PostgreSQL's pool) when the app closes. */
@Injectable()
class DatabaseShutdown implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * The demo's TypeORM DataSource, provided under its class as in Nest's "database providers" recipe
 * (what @nestjs/typeorm does too): the embedded sql.js database by default, PostgreSQL with
 * DATABASE_URL. The app never tells the tracker about it: the queries plugin finds it alone.
 */
@Global()
@Module({})
export class DatabaseModule {
  /** @throws Error naming DATABASE_URL when it is not a PostgreSQL URL (at boot, before any connection). */
  static forRoot(databaseUrl: string | undefined, entities: DemoEntities): DynamicModule {
    const options = demoDataSourceOptions(databaseUrl, entities);
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          useFactory: async () => new DataSource(options).initialize(),
        },
        DatabaseShutdown,
      ],
      exports: [DataSource],
    };
  }
}
