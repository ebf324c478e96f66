import { z } from 'zod'

/**
 * A Staybase backup is a folder `staybase-<UTC time>` holding `database.dump` (pg_dump, custom format),
 * `media.tar.gz` (local uploads; with S3 the bucket is recorded instead) and `manifest.json`, which says
 * what the backup holds and the size and SHA-256 of every file. Restore checks every file against it
 * before it touches anything. Pure: the scripts do the I/O.
 */

export const BACKUP_FORMAT = 1
export const MANIFEST_FILE = 'manifest.json'
export const DATABASE_FILE = 'database.dump'
export const MEDIA_ARCHIVE = 'media.tar.gz'
const NAME_PREFIX = 'staybase-'

/** `staybase-20261128T141500Z` for 2026-11-28 14:15:00 UTC (seconds; the milliseconds are dropped). */
export function backupName(at: Date): string {
  return `${NAME_PREFIX}${at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '')}`
}

export function isBackupName(name: string): boolean {
  return /^staybase-\d{8}T\d{6}Z$/.test(name)
}

/**
 * Where a backup is written until it is complete: a hidden name that is never a backup's name, so a
 * backup interrupted halfway (a crash, a full disk) is never taken for one; renamed when complete.
 */
export function partialName(name: string, pid: number): string {
  return `.${name}.partial-${pid}`
}

const fileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a plain file name')
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex')
const count = z.number().int().nonnegative()

export const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  name: z.string().refine(isBackupName, 'a backup name'),
  createdAt: z.iso.datetime(),
  app: z.object({ name: z.string(), version: z.string() }),
  database: z.object({
    name: z.string(),
    serverVersion: z.string(),
    serverMajor: z.number().int(),
    pgDumpVersion: z.string(),
    latestMigration: z.string().nullable(),
    migrations: count,
    /** Rows of every table (`schema.table`) in the dump's snapshot: restore compares what it loaded. */
    tables: z.record(z.string(), count),
    file: z.literal(DATABASE_FILE),
  }),
  media: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('local'), file: z.literal(MEDIA_ARCHIVE), files: count, bytes: count }),
    z.object({
      mode: z.literal('s3'),
      bucket: z.string().min(1),
      prefix: z.string(),
      region: z.string(),
      endpoint: z.string(),
      note: z.string(),
    }),
  ]),
  files: z.array(z.object({ name: fileName, bytes: count, sha256 })),
})

export type Manifest = z.infer<typeof manifestSchema>
export type ManifestFile = Manifest['files'][number]

/** The manifest's text → the manifest, or the reasons it is not one. */
export function parseManifest(text: string): { ok: true; manifest: Manifest } | { ok: false; problems: string[] } {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { ok: false, problems: [`${MANIFEST_FILE} is not JSON (${(error as Error).message})`] }
  }
  const format = (json as { format?: unknown } | null)?.format
  if (typeof format === 'number' && format !== BACKUP_FORMAT) {
    return { ok: false, problems: [`backup format ${format} is not the format ${BACKUP_FORMAT} this version of Staybase reads`] }
  }
  const parsed = manifestSchema.safeParse(json)
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${MANIFEST_FILE}: ${i.path.join('.') || '(root)'}: ${i.message}`) }
  }
  const manifest = parsed.data
  const problems: string[] = []
  const names = manifest.files.map((f) => f.name)
  const needed = [DATABASE_FILE, ...(manifest.media.mode === 'local' ? [MEDIA_ARCHIVE] : [])]
  for (const name of needed) if (!names.includes(name)) problems.push(`${MANIFEST_FILE} lists no ${name}`)
  if (new Set(names).size !== names.length) problems.push(`${MANIFEST_FILE} lists a file twice`)
  return problems.length ? { ok: false, problems } : { ok: true, manifest }
}

/** A file as found on disk: null when it is missing; `sha256` null when the size already differs (not hashed). */
export type FoundFile = { bytes: number; sha256: string | null } | null

/** What differs between the manifest's files and the files found; empty when the backup is intact. */
export function fileProblems(expected: ManifestFile[], found: ReadonlyMap<string, FoundFile>): string[] {
  const problems: string[] = []
  for (const file of expected) {
    const actual = found.get(file.name) ?? null
    if (actual === null) problems.push(`${file.name} is missing`)
    else if (actual.bytes !== file.bytes) problems.push(`${file.name} has ${actual.bytes} bytes, the manifest says ${file.bytes}`)
    else if (actual.sha256 !== file.sha256) problems.push(`${file.name} does not match its SHA-256 in the manifest (changed or damaged)`)
  }
  return problems
}

/** Tables whose restored row count differs from the backup's, and tables only one side has. */
export function rowCountProblems(expected: Record<string, number>, restored: Record<string, number>): string[] {
  const problems: string[] = []
  for (const [table, rows] of Object.entries(expected)) {
    if (!(table in restored)) problems.push(`${table} is missing`)
    else if (restored[table] !== rows) problems.push(`${table} has ${restored[table]} rows, the backup ${rows}`)
  }
  for (const table of Object.keys(restored)) if (!(table in expected)) problems.push(`${table} is not in the backup`)
  return problems
}
