import { DataSource, EntitySchema } from 'typeorm';
import { addEntitySource, typeOrmEntityOf } from './typeorm.entities.js';

interface Shelf {
  id: number;
  label: string;
}
interface Volume {
  id: number;
  title: string;
}
const ShelfSchema = new EntitySchema<Shelf>({
  name: 'Shelf',
  tableName: 'entity_shelves',
  columns: { id: { type: Number, primary: true, generated: true }, label: { type: String } },
});
const VolumeSchema = new EntitySchema<Volume>({
  name: 'Volume',
  tableName: 'entity_volumes',
  columns: { id: { type: Number, primary: true, generated: true }, title: { type: String } },
});

describe('typeOrmEntityOf: the entity of a TypeORM query main table', () => {
  let dataSource: DataSource;
  /** The SQL TypeORM sent, in order. */
  const sent: string[] = [];

  beforeAll(async () => {
    dataSource = new DataSource({ type: 'sqljs', entities: [ShelfSchema, VolumeSchema], synchronize: true, logging: false });
    // Known before initialize(): its metadata is read once it exists.
    addEntitySource(dataSource);
    expect(typeOrmEntityOf('SELECT * FROM "entity_shelves"')).toBeNull();
    await dataSource.initialize();
    dataSource.subscribers.push({ beforeQuery: (event: { query: string }) => void sent.push(event.query) });
  });
  afterAll(async () => dataSource?.destroy());

  it("maps the SQL TypeORM generates for each kind of statement to the table's entity", async () => {
    const shelves = dataSource.getRepository(ShelfSchema);
    const volumes = dataSource.getRepository(VolumeSchema);
    const run = async (work: () => Promise<unknown>): Promise<string[]> => {
      sent.length = 0;
      await work();
      return sent.filter((sql) => !/^(BEGIN|COMMIT|ROLLBACK|START|RELEASE|SAVEPOINT)/i.test(sql)).map((sql) => typeOrmEntityOf(sql) ?? sql);
    };
    expect(await run(() => shelves.insert({ label: 'fiction' }))).toEqual(['Shelf']);
    expect(await run(() => volumes.insert({ title: 'Dune' }))).toEqual(['Volume']);
    expect(await run(() => volumes.findBy({ title: 'Dune' }))).toEqual(['Volume']);
    expect(await run(() => shelves.count())).toEqual(['Shelf']);
    expect(await run(() => volumes.update({ title: 'Dune' }, { title: 'Dune Messiah' }))).toEqual(['Volume']);
    expect(await run(() => shelves.delete({ label: 'fiction' }))).toEqual(['Shelf']);
  });

  it('reads quoted and schema-qualified names in any case; null without a main table or for unknown tables', () => {
    expect(typeOrmEntityOf('select id from entity_volumes where id = 1')).toBe('Volume');
    expect(typeOrmEntityOf('SELECT `v`.`id` FROM `entity_volumes` `v`')).toBe('Volume');
    expect(typeOrmEntityOf('DELETE FROM [dbo].[ENTITY_SHELVES] WHERE id = 1')).toBe('Shelf');
    expect(typeOrmEntityOf('UPDATE "public"."entity_shelves" SET label = $1')).toBe('Shelf');
    expect(typeOrmEntityOf('SELECT 1')).toBeNull();
    expect(typeOrmEntityOf('WITH t AS (SELECT 1) SELECT * FROM t')).toBeNull();
    expect(typeOrmEntityOf('SELECT * FROM other_table')).toBeNull();
  });
});
