import { createRequire } from 'node:module';

type Item = Record<string, unknown>;
interface Table {
  TableName: string;
  LocalSecondaryIndexes?: unknown[];
  GlobalSecondaryIndexes?: unknown[];
}
interface IndexAction {
  index: string;
  key: string;
  item?: Item;
}
/** dynalite's store: one LevelDB under all tables, each table's items and each index's entries under a prefix of their own. */
interface Store {
  db: { batch(operations: ({ type: 'put'; key: string; value: unknown } | { type: 'del'; key: string })[], callback: (error?: Error) => void): void };
}
interface DynaliteDb {
  updateIndexes(store: Store, table: Table, existingItem: Item | undefined, item: Item | null | undefined, callback: (error?: Error) => void): void;
  getIndexActions(indexes: unknown[], existingItem: Item | undefined, item: Item | null | undefined, table: Table): { puts: IndexAction[]; deletes: IndexAction[] };
  createKey(item: Item, table: Table): string;
}

/** The keys dynalite's prefixed sub-databases give an item and an index entry (dynalite/db/index.js, getItemDb and getIndexDb). */
const itemKey = (table: Table, key: string) => `item-${table.TableName}~${key}`;
const indexKey = (type: 'Local' | 'Global', table: Table, action: IndexAction) => `index-${type.toLowerCase()}~${table.TableName}~${action.index}~${action.key}`;

/**
 * A DynamoDB write changes an item and its index entries at once. dynalite writes each index entry, then
 * the item, as separate LevelDB writes, so a kill (SIGKILL of `sluice start`) in between left the status
 * index out of step with the ledger: a row STARTED that no query by status found (the sweep never ran its
 * batch again, and its records were in no lake), or an index entry of a status the row no longer had.
 * Here the index entries and the item go in one LevelDB batch, which LevelDB applies whole or not at all;
 * dynalite's own write of the item that follows writes the same value again, under the item's lock.
 */
export function atomicIndexWrites(): void {
  const db = createRequire(import.meta.url)('dynalite/db/index.js') as DynaliteDb;
  db.updateIndexes = (store, table, existingItem, item, callback) => {
    if (!existingItem && !item) return callback();
    const operations: Parameters<Store['db']['batch']>[0] = [];
    for (const type of ['Local', 'Global'] as const) {
      const actions = db.getIndexActions(table[`${type}SecondaryIndexes`] ?? [], existingItem, item, table);
      for (const action of actions.deletes) operations.push({ type: 'del', key: indexKey(type, table, action) });
      for (const action of actions.puts) operations.push({ type: 'put', key: indexKey(type, table, action), value: action.item });
    }
    operations.push(item ? { type: 'put', key: itemKey(table, db.createKey(item, table)), value: item } : { type: 'del', key: itemKey(table, db.createKey(existingItem!, table)) });
    store.db.batch(operations, callback);
  };
}
