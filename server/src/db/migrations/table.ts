import { Table, TableIndex, type QueryRunner, type TableColumnOptions } from 'typeorm';

/**
 * Column helpers so one migration compiles to both dialects. Instants are BIGINT
 * epoch milliseconds: unambiguous across server, driver and database timezones.
 */
export const col = {
  bigId: (name = 'id'): TableColumnOptions => ({
    name,
    type: 'bigint',
    isPrimary: true,
    isGenerated: true,
    generationStrategy: 'increment',
  }),
  ref: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable }),
  int: (name: string, dflt?: number): TableColumnOptions => ({ name, type: 'int', isNullable: false, default: dflt }),
  big: (name: string, dflt?: number): TableColumnOptions => ({
    name,
    type: 'bigint',
    isNullable: false,
    default: dflt,
  }),
  at: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable }),
  str: (name: string, length: number, nullable = false): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: String(length),
    isNullable: nullable,
  }),
  text: (name: string, nullable = true): TableColumnOptions => ({ name, type: 'text', isNullable: nullable }),
};

export function table(
  q: QueryRunner,
  name: string,
  columns: TableColumnOptions[],
  indices: { columns: string[]; unique?: boolean; name?: string }[] = [],
): Table {
  // SQLite only auto-increments an INTEGER PRIMARY KEY (which is 64-bit there anyway).
  const type = q.connection.driver.options.type;
  const sqlite = type === 'sqljs' || type === 'better-sqlite3';
  return new Table({
    name,
    columns: columns.map((c) => (sqlite && c.isGenerated ? { ...c, type: 'integer' } : c)),
    indices: indices.map(
      (i) =>
        new TableIndex({
          name: i.name ?? `${i.unique ? 'uq' : 'ix'}_${name}_${i.columns.join('_')}`,
          columnNames: i.columns,
          isUnique: !!i.unique,
        }),
    ),
    engine: 'InnoDB',
  });
}
