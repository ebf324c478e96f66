/**
 * `npm run backup`: a consistent backup of the database at DATABASE_URL and of the uploads, into
 * BACKUP_DIR/staybase-<UTC time>/ (see src/backup/manifest.ts for the layout). Bundled into
 * dist/backup.js by scripts/build.ts, so the same code runs in a clone and in the Docker image.
 *
 * Consistency: the row counts and migration state in the manifest are read in one REPEATABLE READ
 * snapshot, which pg_dump then uses (--snapshot), so the manifest describes exactly what was dumped.
 * The database is dumped before the media folder is archived: an upload made meanwhile is at worst an
 * extra file nothing points to, never a row whose file is missing.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import { DATABASE_FILE, MANIFEST_FILE, MEDIA_ARCHIVE, type Manifest, BACKUP_FORMAT, backupName, partialName } from '@/backup/manifest'
import {
  Stop,
  connect,
  fail,
  findTool,
  folderSize,
  libpqConnection,
  loadSettings,
  megabytes,
  migrationState,
  rowCounts,
  run,
  scriptLogger,
  serverVersion,
  sha256Of,
  step,
  userTables,
} from './lib/backupRuntime'

const logger = scriptLogger('backup')

async function main(): Promise<void> {
  if (process.argv.length > 2)
    throw new Stop(
      `npm run backup takes no arguments (got ${process.argv.slice(2).join(' ')}); it reads DATABASE_URL, BACKUP_DIR and MEDIA_DIR or S3_BUCKET`,
    )
  const started = performance.now()
  const settings = loadSettings()
  const createdAt = new Date()
  const name = backupName(createdAt)
  const backupDir = path.resolve(settings.BACKUP_DIR)
  const finalDir = path.join(backupDir, name)
  const workDir = path.join(backupDir, partialName(name, process.pid))
  const app = JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as { name: string; version: string }

  const client = await connect(settings.DATABASE_URL)
  try {
    const server = await serverVersion(client)
    const pgDump = findTool('pg_dump', server, settings.PG_BIN_DIR)
    const database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db
    logger.info(
      `backing up database ${database} (PostgreSQL ${server.version}, pg_dump ${pgDump.version} at ${pgDump.path}) into ${finalDir}`,
    )

    mkdirSync(backupDir, { recursive: true })
    mkdirSync(workDir)
    try {
      // The snapshot lives as long as this transaction: pg_dump joins it, so it must stay open until
      // pg_dump has finished.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
      const snapshot = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]!.id
      const tables = await userTables(client)
      if (!tables.includes('public.payload_migrations')) {
        throw new Stop(
          `database ${database} has no payload_migrations table: it is not a migrated Staybase database, so there is nothing to back up`,
        )
      }
      const counts = await step(
        logger,
        'count rows',
        () => rowCounts(client, tables),
        (c) => ({
          tables: Object.keys(c).length,
          rows: Object.values(c).reduce((a, b) => a + b, 0),
        }),
      )
      const migrations = await migrationState(client, tables)

      const dumpFile = path.join(workDir, DATABASE_FILE)
      const connection = libpqConnection(settings.DATABASE_URL)
      await step(
        logger,
        'pg_dump',
        () =>
          run(
            pgDump.path,
            ['--format=custom', `--snapshot=${snapshot}`, `--file=${dumpFile}`, `--dbname=${connection.dbname}`],
            connection.env,
          ),
        () => ({ megabytes: megabytes(statSync(dumpFile).size) }),
      )
      await client.query('COMMIT')

      let media: Manifest['media']
      if (settings.S3_BUCKET) {
        media = {
          mode: 's3',
          bucket: settings.S3_BUCKET,
          prefix: settings.S3_PREFIX,
          region: settings.S3_REGION,
          endpoint: settings.S3_ENDPOINT,
          note: "Uploads are in the bucket, not in this backup: the bucket's versioning and replication are their backup (README, Backup and recovery).",
        }
        logger.info(`media: uploads are in s3://${settings.S3_BUCKET}/${settings.S3_PREFIX}; recorded in the manifest, not copied`)
      } else {
        media = await step(
          logger,
          'archive media',
          () => archiveMedia(path.resolve(settings.MEDIA_DIR), path.join(workDir, MEDIA_ARCHIVE)),
          (m) => ({
            files: m.files,
            megabytes: megabytes(m.bytes),
          }),
        )
      }

      const fileNames = [DATABASE_FILE, ...(media.mode === 'local' ? [MEDIA_ARCHIVE] : [])]
      const files = await step(logger, 'checksums', () =>
        Promise.all(
          fileNames.map(async (file) => ({
            name: file,
            bytes: statSync(path.join(workDir, file)).size,
            sha256: await sha256Of(path.join(workDir, file)),
          })),
        ),
      )
      const manifest: Manifest = {
        format: BACKUP_FORMAT,
        name,
        createdAt: createdAt.toISOString(),
        app: { name: app.name, version: app.version },
        database: {
          name: database,
          serverVersion: server.version,
          serverMajor: server.major,
          pgDumpVersion: pgDump.version,
          latestMigration: migrations.latest,
          migrations: migrations.count,
          tables: counts,
          file: DATABASE_FILE,
        },
        media,
        files,
      }
      writeFileSync(path.join(workDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`)
      // On disk before the folder gets its final name, so a crash (power, kernel) cannot leave a
      // backup-named folder with files that were never written out.
      for (const file of [...fileNames, MANIFEST_FILE]) syncToDisk(path.join(workDir, file))
      syncToDisk(workDir)
      renameSync(workDir, finalDir)
      syncToDisk(backupDir)
    } catch (error) {
      rmSync(workDir, { recursive: true, force: true })
      throw error
    }
  } finally {
    await client.end().catch(() => {})
  }
  logger.info({ backup: finalDir, ms: Math.round(performance.now() - started) }, `backup complete: ${finalDir}`)
}

function syncToDisk(file: string): void {
  const fd = openSync(file, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * The media folder as a gzipped tar, by the system's `tar`: it is in every Debian image including the
 * Docker image's slim base, streams any number of files without holding them in memory, and keeps
 * names, modes and times; an npm tar library would add a dependency for the same result.
 */
async function archiveMedia(mediaDir: string, archive: string): Promise<Extract<Manifest['media'], { mode: 'local' }>> {
  const size = folderSize(mediaDir)
  // An app that never stored an upload may have no folder yet: its archive is empty.
  // A live site may take an upload while tar reads the folder: GNU tar then exits 1 ("file changed as we
  // read it"), which is success here — that upload is at worst a file no dumped row points to.
  await run(
    'tar',
    existsSync(mediaDir) ? ['--warning=no-file-changed', '-czf', archive, '-C', mediaDir, '.'] : ['-czf', archive, '-T', '/dev/null'],
    {},
    [1],
  )
  return { mode: 'local', file: MEDIA_ARCHIVE, files: size.files, bytes: size.bytes }
}

main().catch((error: unknown) => fail(logger, error))
