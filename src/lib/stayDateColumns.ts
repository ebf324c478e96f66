import type { PostgresAdapterArgs } from '@payloadcms/db-postgres'
import { date } from '@payloadcms/db-postgres/drizzle/pg-core'

import { isStayDateField } from './stayDateField'

type SchemaHook = NonNullable<PostgresAdapterArgs['afterSchemaInit']>[number]

/**
 * The database side of a stay date (src/lib/stayDateField.ts): Payload would store a `text` field as
 * `varchar`; here its column becomes a PostgreSQL `date` in Drizzle's schema. Drizzle's `date` column in
 * string mode reads `'2027-04-24'` (its node-postgres session leaves dates unparsed, so no JS Date at
 * local midnight appears) and writes the string as it is. Because the schema says `date`, the
 * migration snapshots, `migrate:create` and a development push all agree with the database.
 *
 * Only top-level stay dates (also inside rows) are supported; anything else fails at start-up.
 */
export const stayDatesAsDateColumns: SchemaHook = ({ adapter, extendTable, schema }) => {
  for (const collection of adapter.payload.config.collections) {
    const tableName = adapter.tableNameMap.get(collection.slug.replace(/-/g, '_'))
    for (const field of collection.flattenedFields) {
      if (!isStayDateField(field)) continue
      const table = tableName ? schema.tables[tableName] : undefined
      const column = (table as unknown as Record<string, { name?: string } | undefined> | undefined)?.[field.name]
      if (!table || !column?.name) throw new Error(`Stay date ${collection.slug}.${field.name} has no column of its own.`)
      const day = date(column.name, { mode: 'string' })
      extendTable({ table, columns: { [field.name]: 'required' in field && field.required ? day.notNull() : day } })
    }
  }
  return schema
}
