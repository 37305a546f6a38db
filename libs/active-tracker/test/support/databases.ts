import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';

/**
 * Throwaway databases on the machine's real servers (PostgreSQL at 127.0.0.1:5432, user postgres,
 * trust auth; MariaDB at 127.0.0.1:3306, root without a password), one per test file, with a
 * unique name so parallel workers and other helpers never share one. Override the servers with
 * TEST_PG_HOST/TEST_PG_PORT/TEST_PG_USER and TEST_MYSQL_HOST/TEST_MYSQL_PORT/TEST_MYSQL_USER/TEST_MYSQL_PASSWORD.
 */
export interface TestDatabase {
  readonly kind: 'postgres' | 'mariadb';
  /** The database name: `<prefix>_<pid>_<random>`, lower case. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** `postgres://user@host:port/name` or `mysql://user@host:port/name`. */
  readonly url: string;
  /** Drops the database (connections still open are closed by the server on PostgreSQL). Safe to call twice. */
  drop(): Promise<void>;
}

const env = process.env;

export const POSTGRES_SERVER = {
  host: env.TEST_PG_HOST ?? '127.0.0.1',
  port: Number(env.TEST_PG_PORT ?? 5432),
  user: env.TEST_PG_USER ?? 'postgres',
  password: env.TEST_PG_PASSWORD ?? '',
};

export const MARIADB_SERVER = {
  host: env.TEST_MYSQL_HOST ?? '127.0.0.1',
  port: Number(env.TEST_MYSQL_PORT ?? 3306),
  user: env.TEST_MYSQL_USER ?? 'root',
  password: env.TEST_MYSQL_PASSWORD ?? '',
};

/** A unique database name (letters, digits and `_` only, so it needs no quoting). */
export function uniqueDatabaseName(prefix = 'at'): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')
      .slice(0, 30) || 'at';
  return `${clean}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Creates an empty PostgreSQL database; `drop()` removes it (forcing other sessions out). */
export async function createPostgresDatabase(prefix = 'at'): Promise<TestDatabase> {
  const name = uniqueDatabaseName(prefix);
  await postgresAdmin(`CREATE DATABASE ${name}`);
  let dropped = false;
  const { host, port, user, password } = POSTGRES_SERVER;
  return {
    kind: 'postgres',
    name,
    host,
    port,
    user,
    password,
    url: `postgres://${encodeURIComponent(user)}${password ? ':' + encodeURIComponent(password) : ''}@${host}:${port}/${name}`,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await postgresAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Creates an empty MariaDB/MySQL database; `drop()` removes it. */
export async function createMariaDbDatabase(prefix = 'at'): Promise<TestDatabase> {
  const name = uniqueDatabaseName(prefix);
  await mariaDbAdmin(`CREATE DATABASE ${name}`);
  let dropped = false;
  const { host, port, user, password } = MARIADB_SERVER;
  return {
    kind: 'mariadb',
    name,
    host,
    port,
    user,
    password,
    url: `mysql://${encodeURIComponent(user)}${password ? ':' + encodeURIComponent(password) : ''}@${host}:${port}/${name}`,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await mariaDbAdmin(`DROP DATABASE IF EXISTS ${name}`);
    },
  };
}

/** Runs one statement on the PostgreSQL server's `postgres` database, on a connection of its own. */
async function postgresAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ ...POSTGRES_SERVER, database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Runs one statement on the MariaDB server, on a connection of its own. */
async function mariaDbAdmin(sql: string): Promise<void> {
  const connection = await mysql.createConnection({ ...MARIADB_SERVER });
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}
