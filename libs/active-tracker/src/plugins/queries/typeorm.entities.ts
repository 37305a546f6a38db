/**
 * `content.entity` of queries that went through TypeORM: the entity whose table is the SQL's main
 * table (the one selected from, inserted into, updated or deleted from), read from the entity
 * metadata of the DataSources the capture found. Table → entity is built once per initialized
 * DataSource; a query only costs one anchored regular expression and a map lookup.
 */

/** What is read of a DataSource (duck-typed: no import of typeorm). */
export interface EntityMetadataSource {
  isInitialized?: boolean;
  entityMetadatas?: ReadonlyArray<{ name?: unknown; tableName?: unknown; tablePath?: unknown }>;
}

/**
 * The main table: after the first FROM of a SELECT, or after INSERT INTO / UPDATE / DELETE FROM;
 * quoted (`"t"`, `` `t` ``, `[t]`) or not, schema-qualified or not. A CTE or a subquery has none.
 */
const MAIN_TABLE =
  /^\s*(?:select\b[\s\S]*?\bfrom|insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from)\s+((?:[`"[]?[\w$]+[`"\]]?\s*\.\s*)*)[`"[]?([\w$]+)[`"\]]?/i;

/** DataSources seen, held weakly: an app's live ones; tests create and drop many. */
const sources: WeakRef<EntityMetadataSource>[] = [];
/** Table (and `schema.table`), lower-cased → entity name, of the DataSources indexed so far. */
const entities = new Map<string, string>();
const indexed = new WeakSet<EntityMetadataSource>();

/** Remembers a DataSource whose entities name the tables of its queries (indexed once it is initialized). */
export function addEntitySource(source: EntityMetadataSource): void {
  sources.push(new WeakRef(source));
}

/** The entity whose table is the main table of `sql`, or null (no DataSource maps it, or no main table). */
export function typeOrmEntityOf(sql: string): string | null {
  if (sources.length === 0) return null;
  const m = MAIN_TABLE.exec(sql);
  if (!m) return null;
  indexNewSources();
  const table = m[2].toLowerCase();
  const schema = m[1].replace(/[\s`"[\]]/g, '').toLowerCase();
  return (schema && entities.get(schema + table)) || entities.get(table) || null;
}

/** Indexes the DataSources initialized since the last look (their metadata exists from `initialize()` on). */
function indexNewSources(): void {
  for (let i = sources.length - 1; i >= 0; i--) {
    const source = sources[i].deref();
    if (!source) {
      sources.splice(i, 1);
      continue;
    }
    if (indexed.has(source) || !source.isInitialized || !Array.isArray(source.entityMetadatas)) continue;
    indexed.add(source);
    for (const meta of source.entityMetadatas) {
      if (typeof meta.name !== 'string' || typeof meta.tableName !== 'string') continue;
      // The first DataSource to name a table keeps it.
      for (const key of [meta.tableName, meta.tablePath]) {
        if (typeof key === 'string' && !entities.has(key.toLowerCase())) entities.set(key.toLowerCase(), meta.name);
      }
    }
  }
}
