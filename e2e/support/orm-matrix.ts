import { MikroORM as MikroPostgres, EntitySchema as MikroEntitySchema } from '@mikro-orm/postgresql';
import { MikroORM as MikroMysql } from '@mikro-orm/mysql';
import { PrismaPg } from '@prisma/adapter-pg';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { pgTable, serial, varchar } from 'drizzle-orm/pg-core';
import knex from 'knex';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { DataTypes, Sequelize } from 'sequelize';
import { DataSource, EntitySchema } from 'typeorm';
import type { TestDatabase } from '../../libs/active-tracker/test/support/databases.js';
import { loadPrismaClient } from './prisma-client.js';

/**
 * One ORM (or bare driver) of the queries plugin's matrix, connected to a private database that
 * holds one table, `authors (id, name)`. The workload is the same for all: insert one author, then
 * select the authors with that name, the way an app using that ORM writes it.
 */
export interface OrmSession {
  /** Inserts an author named `name`, then reads back the authors with that name (the count). */
  insertAndFind(name: string): Promise<number>;
  close(): Promise<void>;
}

export interface OrmCase {
  /** Shown in the test name, e.g. 'TypeORM on MariaDB'. */
  title: string;
  database: TestDatabase['kind'];
  /** `content.driver` expected on its query entries. */
  driver: 'pg' | 'mysql2';
  /** `content.orm` expected on its query entries (null: the driver used directly). */
  orm: string | null;
  /**
   * Why its queries carry no `content.location` (no app frame on the driver call's stack), when so:
   * the others are expected to point at this file, where the app called the ORM.
   */
  noLocation?: string;
  connect(db: TestDatabase): Promise<OrmSession>;
}

/** The table of the workload, created with plain SQL before the ORM connects (no migrations). */
export const CREATE_AUTHORS: Record<TestDatabase['kind'], string> = {
  postgres: 'CREATE TABLE authors (id serial PRIMARY KEY, name varchar(100) NOT NULL)',
  mariadb: 'CREATE TABLE authors (id int AUTO_INCREMENT PRIMARY KEY, name varchar(100) NOT NULL)',
};

interface AuthorRow {
  id: number;
  name: string;
}

/** TypeORM's entity, declared as a schema (the same metadata decorators would produce). */
const TypeOrmAuthor = new EntitySchema<AuthorRow>({
  name: 'Author',
  tableName: 'authors',
  columns: { id: { type: Number, primary: true, generated: true }, name: { type: String, length: 100 } },
});

const MikroAuthor = new MikroEntitySchema<AuthorRow>({
  name: 'Author',
  tableName: 'authors',
  properties: { id: { type: 'number', primary: true }, name: { type: 'string', length: 100 } },
});

const drizzleAuthors = pgTable('authors', { id: serial('id').primaryKey(), name: varchar('name', { length: 100 }).notNull() });

const typeorm =
  (type: 'postgres' | 'mariadb') =>
  async (db: TestDatabase): Promise<OrmSession> => {
    const dataSource = await new DataSource({ type, url: db.url, entities: [TypeOrmAuthor], poolSize: 2 }).initialize();
    const authors = dataSource.getRepository(TypeOrmAuthor);
    return {
      async insertAndFind(name) {
        await authors.insert({ name });
        const found = await authors.createQueryBuilder('author').where('author.name = :name', { name }).getMany();
        return found.length;
      },
      close: () => dataSource.destroy(),
    };
  };

const knexOn =
  (client: 'pg' | 'mysql2') =>
  async (db: TestDatabase): Promise<OrmSession> => {
    const k = knex({ client, connection: db.url, pool: { min: 0, max: 2 } });
    return {
      async insertAndFind(name) {
        await k('authors').insert({ name });
        return (await k('authors').where({ name }).select('id', 'name')).length;
      },
      close: () => k.destroy(),
    };
  };

const mikroOrm =
  (orm: typeof MikroPostgres | typeof MikroMysql) =>
  async (db: TestDatabase): Promise<OrmSession> => {
    const instance = await orm.init({ clientUrl: db.url, dbName: db.name, entities: [MikroAuthor], debug: false, pool: { min: 0, max: 2 } });
    return {
      async insertAndFind(name) {
        const em = instance.em.fork();
        em.create(MikroAuthor, { name });
        await em.flush();
        return (await instance.em.fork().find(MikroAuthor, { name })).length;
      },
      close: () => instance.close(true),
    };
  };

export const ORM_CASES: OrmCase[] = [
  {
    title: 'pg on PostgreSQL',
    database: 'postgres',
    driver: 'pg',
    orm: null,
    async connect(db) {
      const pool = new pg.Pool({ connectionString: db.url, max: 2 }).on('error', () => undefined); // see queries-app.ts appPool
      return {
        async insertAndFind(name) {
          await pool.query('INSERT INTO authors (name) VALUES ($1)', [name]);
          return (await pool.query<AuthorRow>('SELECT id, name FROM authors WHERE name = $1', [name])).rowCount ?? 0;
        },
        close: () => pool.end(),
      };
    },
  },
  { title: 'TypeORM on PostgreSQL', database: 'postgres', driver: 'pg', orm: 'typeorm', connect: typeorm('postgres') },
  {
    title: 'Prisma (query compiler, @prisma/adapter-pg) on PostgreSQL',
    database: 'postgres',
    driver: 'pg',
    orm: 'prisma',
    async connect(db) {
      const { PrismaClient } = await loadPrismaClient();
      const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, max: 2 }) });
      return {
        async insertAndFind(name) {
          await prisma.author.create({ data: { name } });
          return (await prisma.author.findMany({ where: { name } })).length;
        },
        close: () => prisma.$disconnect(),
      };
    },
  },
  { title: 'Knex on PostgreSQL', database: 'postgres', driver: 'pg', orm: 'knex', connect: knexOn('pg') },
  {
    title: 'Drizzle on PostgreSQL',
    database: 'postgres',
    driver: 'pg',
    orm: 'drizzle',
    noLocation: 'no app frame on the stack where Drizzle calls pg: the query runs from the then() of its builder, called by the promise machinery',
    async connect(db) {
      const pool = new pg.Pool({ connectionString: db.url, max: 2 }).on('error', () => undefined); // see queries-app.ts appPool
      const d = drizzle({ client: pool });
      return {
        async insertAndFind(name) {
          await d.insert(drizzleAuthors).values({ name });
          return (await d.select().from(drizzleAuthors).where(eq(drizzleAuthors.name, name))).length;
        },
        close: () => pool.end(),
      };
    },
  },
  // MikroORM 6 depends on its own exact pg (8.20.0) and mysql2 (3.20.0): npm nests those copies
  // under @mikro-orm/*, so these two cases also prove that capture finds the copy the ORM loads.
  { title: 'MikroORM on PostgreSQL (its own nested pg)', database: 'postgres', driver: 'pg', orm: 'mikro-orm', connect: mikroOrm(MikroPostgres) },
  {
    title: 'mysql2 on MariaDB',
    database: 'mariadb',
    driver: 'mysql2',
    orm: null,
    async connect(db) {
      const pool = mysql.createPool({ uri: db.url, connectionLimit: 2 });
      return {
        async insertAndFind(name) {
          await pool.execute('INSERT INTO authors (name) VALUES (?)', [name]); // a prepared statement
          const [rows] = await pool.query('SELECT id, name FROM authors WHERE name = ?', [name]); // a text query
          return (rows as unknown[]).length;
        },
        close: () => pool.end(),
      };
    },
  },
  { title: 'TypeORM on MariaDB', database: 'mariadb', driver: 'mysql2', orm: 'typeorm', connect: typeorm('mariadb') },
  {
    title: 'Sequelize on MariaDB (mysql dialect)',
    database: 'mariadb',
    driver: 'mysql2',
    orm: 'sequelize',
    async connect(db) {
      const sequelize = new Sequelize(db.url, { dialect: 'mysql', logging: false, pool: { min: 0, max: 2 } });
      const Author = sequelize.define('Author', { name: { type: DataTypes.STRING(100), allowNull: false } }, { tableName: 'authors', timestamps: false });
      return {
        async insertAndFind(name) {
          await Author.create({ name });
          return (await Author.findAll({ where: { name } })).length;
        },
        close: () => sequelize.close(),
      };
    },
  },
  { title: 'Knex on MariaDB', database: 'mariadb', driver: 'mysql2', orm: 'knex', connect: knexOn('mysql2') },
  { title: 'MikroORM on MariaDB (its own nested mysql2)', database: 'mariadb', driver: 'mysql2', orm: 'mikro-orm', connect: mikroOrm(MikroMysql) },
];

/** Creates the `authors` table with the database's own driver, on a connection of its own. */
export async function createAuthorsTable(db: TestDatabase): Promise<void> {
  if (db.kind === 'postgres') {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(CREATE_AUTHORS.postgres);
    } finally {
      await client.end();
    }
  } else {
    const connection = await mysql.createConnection({ uri: db.url });
    try {
      await connection.query(CREATE_AUTHORS.mariadb);
    } finally {
      await connection.end();
    }
  }
}
