import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

/** Entity classes (or schemas) of the demo's database. */
export type DemoEntities = MixedList<Function | string | EntitySchema>;

/**
 * TypeORM options of the demo's database: PostgreSQL when `databaseUrl` (DATABASE_URL) is a
 * `postgres://` URL, else an embedded SQLite compiled to WebAssembly (sql.js: in memory, no native
 * build, nothing to install). Tables are created from the entities at boot (`synchronize`).
 * @throws Error naming DATABASE_URL when it is set to something else than a PostgreSQL URL.
 */
export function demoDataSourceOptions(databaseUrl: string | undefined, entities: DemoEntities): DataSourceOptions {
  if (!databaseUrl) return { type: 'sqljs', entities, synchronize: true };
  if (!/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new Error(`DATABASE_URL must be a postgres:// or postgresql:// URL (or unset for the embedded database), got "${describeDatabase(databaseUrl)}"`);
  }
  // A small pool: the demo's requests run their queries one after the other.
  return { type: 'postgres', url: databaseUrl, entities, synchronize: true, extra: { max: 10 } };
}

/** The database in words, without its password: safe to print. */
export function describeDatabase(databaseUrl: string | undefined): string {
  if (!databaseUrl) return 'embedded SQLite (sql.js, in memory; set DATABASE_URL to use PostgreSQL)';
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.protocol.startsWith('postgres') ? `PostgreSQL at ${url.toString()}` : url.toString();
  } catch {
    return '(unparsable URL)';
  }
}
