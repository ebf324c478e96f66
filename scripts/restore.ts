/**
 * `npm run restore -- <backup> [--force] [--jobs N]`: puts a backup made by `npm run backup` back into
 * the database at DATABASE_URL (created when it does not exist) and MEDIA_DIR. Bundled into
 * dist/restore.js by scripts/build.ts, like the backup.
 *
 * Order, so that a refusal changes nothing: every file is checked against the manifest, the PostgreSQL
 * client is chosen, the target is inspected (it must be empty unless --force) — and only then is
 * anything dropped or written. Afterwards the restored row counts and migrations are compared with the
 * manifest, and the tables analysed (pg_restore brings no planner statistics).
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'

import type pg from 'pg'

import { type FoundFile, MANIFEST_FILE, type Manifest, fileProblems, parseManifest, rowCountProblems } from '@/backup/manifest'
import { restoreTargetProblem } from '@/backup/pgTools'
import { mediaPlan, planRestore, unsafeMediaDir } from '@/backup/restorePlan'
import { createDatabase, splitDatabaseUrl } from './lib/database'
import {
  Stop,
  connect,
  fail,
  findTool,
  libpqConnection,
  loadSettings,
  migrationState,
  rowCounts,
  run,
  scriptLogger,
  serverVersion,
  sha256Of,
  step,
  userTables,
} from './lib/backupRuntime'

const logger = scriptLogger('restore')

const USAGE = `Usage: npm run restore -- <backup folder or name under BACKUP_DIR> [--force] [--jobs N]
  --force   restore into a database or media folder that is not empty: drops every schema of the
            database and empties MEDIA_DIR first
  --jobs N  parallel pg_restore jobs (default: the CPUs, at most 4)`

function parseCommandLine(): { backup: string; force: boolean; jobs: number } {
  const parse = () =>
    parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { force: { type: 'boolean' }, jobs: { type: 'string' } } })
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse()
  } catch (error) {
    throw new Stop(`${(error as Error).message}\n${USAGE}`)
  }
  if (parsed.positionals.length !== 1) throw new Stop(`name one backup\n${USAGE}`)
  const jobs = parsed.values.jobs === undefined ? Math.min(4, availableParallelism()) : Number(parsed.values.jobs)
  if (!Number.isInteger(jobs) || jobs < 1) throw new Stop(`--jobs must be a positive whole number\n${USAGE}`)
  return { backup: parsed.positionals[0]!, force: parsed.values.force === true, jobs }
}

function locateBackup(given: string, backupDir: string): string {
  for (const candidate of [path.resolve(given), path.resolve(backupDir, given)]) {
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate
  }
  throw new Stop(`no backup folder ${given} (looked at ${path.resolve(given)} and ${path.resolve(backupDir, given)})`)
}

function readManifest(dir: string): Manifest {
  const file = path.join(dir, MANIFEST_FILE)
  if (!existsSync(file)) {
    throw new Stop(
      `${dir} has no ${MANIFEST_FILE}: it is not a complete Staybase backup (a backup is written under a temporary name and renamed only once complete)`,
    )
  }
  const parsed = parseManifest(readFileSync(file, 'utf8'))
  if (!parsed.ok) throw new Stop(`${dir} is not a usable backup:\n- ${parsed.problems.join('\n- ')}`)
  return parsed.manifest
}

async function verifyFiles(dir: string, manifest: Manifest): Promise<void> {
  const found = new Map<string, FoundFile>()
  for (const file of manifest.files) {
    const full = path.join(dir, file.name)
    if (!existsSync(full)) {
      found.set(file.name, null)
      continue
    }
    const bytes = statSync(full).size
    found.set(file.name, { bytes, sha256: bytes === file.bytes ? await sha256Of(full) : null })
  }
  const problems = fileProblems(manifest.files, found)
  if (problems.length) throw new Stop(`backup ${dir} is damaged or incomplete; nothing was restored:\n- ${problems.join('\n- ')}`)
}

/** The target database, created when it does not exist yet (a drill into a new database). */
async function connectOrCreate(url: string): Promise<pg.Client> {
  try {
    return await connect(url)
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error
    const { serverUrl, database } = splitDatabaseUrl(url)
    await createDatabase(serverUrl, database)
    logger.info(`created database ${database}`)
    return connect(url)
  }
}

async function dropSchemas(client: pg.Client, serverMajor: number): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT nspname AS name FROM pg_namespace WHERE nspname <> 'information_schema' AND nspname NOT LIKE 'pg\\_%' ORDER BY 1`,
  )
  await client.query('BEGIN')
  for (const { name } of rows) await client.query(`DROP SCHEMA "${name.replace(/"/g, '""')}" CASCADE`)
  // `public` as CREATE DATABASE makes it: from PostgreSQL 15 owned by the database owner and usable by
  // everyone; before, writable by everyone.
  if (serverMajor >= 15) {
    await client.query('CREATE SCHEMA public AUTHORIZATION pg_database_owner')
    await client.query('GRANT USAGE ON SCHEMA public TO PUBLIC')
  } else {
    await client.query('CREATE SCHEMA public')
    await client.query('GRANT ALL ON SCHEMA public TO PUBLIC')
  }
  await client.query('COMMIT')
  return rows.map((r) => r.name)
}

function mediaEntries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : []
}

async function main(): Promise<void> {
  const args = parseCommandLine()
  const started = performance.now()
  const settings = loadSettings()
  const dir = locateBackup(args.backup, settings.BACKUP_DIR)
  const manifest = readManifest(dir)
  logger.info(
    `restoring ${manifest.name} (taken ${manifest.createdAt} from database ${manifest.database.name}, PostgreSQL ${manifest.database.serverVersion}, migration ${manifest.database.latestMigration})`,
  )
  await step(
    logger,
    'verify checksums',
    () => verifyFiles(dir, manifest),
    () => ({ files: manifest.files.length }),
  )

  const mediaDir = path.resolve(settings.MEDIA_DIR)
  const media = mediaPlan(manifest.media, { mediaDir, s3Bucket: settings.S3_BUCKET, s3Prefix: settings.S3_PREFIX })
  if (media.problem) throw new Stop(media.problem)

  const client = await connectOrCreate(settings.DATABASE_URL)
  try {
    const server = await serverVersion(client)
    const tooOld = restoreTargetProblem(manifest.database.serverMajor, server.major)
    if (tooOld) throw new Stop(tooOld)
    const pgRestore = findTool('pg_restore', server, settings.PG_BIN_DIR)
    const database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db

    const plan = planRestore(
      {
        tables: await userTables(client),
        mediaEntries: media.action === 'extract' ? mediaEntries(mediaDir) : null,
        mediaDir,
        databaseName: database,
      },
      args.force,
    )
    if (!plan.ok) throw new Stop(`nothing was restored:\n- ${plan.problems.join('\n- ')}`)
    if (plan.clearMedia) {
      // Real paths: a MEDIA_DIR that is (or runs through) a symlink is judged by where it leads.
      if (lstatSync(mediaDir).isSymbolicLink())
        throw new Stop(`MEDIA_DIR ${mediaDir} is a symlink; restore refuses to empty it: point MEDIA_DIR at the folder itself`)
      const real = (p: string) => (existsSync(p) ? realpathSync(p) : path.resolve(p))
      const unsafe = unsafeMediaDir(real(mediaDir), real(process.cwd()), [real(dir), real(settings.BACKUP_DIR)])
      if (unsafe) throw new Stop(unsafe)
    }
    const others = (
      await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      )
    ).rows[0]!.n
    if (Number(others) > 0) {
      logger.warn(`${others} other sessions are connected to ${database}: stop the app and the workers before a restore`)
    }
    logger.info(
      `into database ${database} (PostgreSQL ${server.version}, pg_restore ${pgRestore.version} at ${pgRestore.path}), media into ${media.action === 'extract' ? mediaDir : '(nothing: S3)'}`,
    )

    if (plan.clearDatabase) {
      await step(
        logger,
        'drop schemas (--force)',
        () => dropSchemas(client, server.major),
        (schemas) => ({ schemas }),
      )
    }
    const connection = libpqConnection(settings.DATABASE_URL)
    await step(
      logger,
      'pg_restore',
      () =>
        run(
          pgRestore.path,
          // No owners or grants: the roles of the backed-up server need not exist here; the restoring
          // role owns everything, as the app's role owns what its migrations create.
          [
            '--no-owner',
            '--no-privileges',
            '--exit-on-error',
            `--jobs=${args.jobs}`,
            `--dbname=${connection.dbname}`,
            path.join(dir, manifest.database.file),
          ],
          connection.env,
        ).catch((error: unknown) => {
          throw new Stop(`${(error as Error).message}\nThe database may now hold part of the backup: run the restore again with --force.`)
        }),
      () => ({ jobs: args.jobs }),
    )

    if (manifest.media.mode === 'local' && media.action === 'extract') {
      const archive = path.join(dir, manifest.media.file)
      const expected = manifest.media.files
      // Emptied only now that the database is back: a restore that fails before this leaves the media as it was.
      if (plan.clearMedia) {
        await step(logger, 'empty media folder (--force)', async () => {
          for (const entry of readdirSync(mediaDir)) rmSync(path.join(mediaDir, entry), { recursive: true, force: true })
        })
      }
      await step(
        logger,
        'extract media',
        async () => {
          mkdirSync(mediaDir, { recursive: true })
          await run('tar', ['-xzf', archive, '-C', mediaDir])
        },
        () => ({ files: expected }),
      )
    } else if (media.warning) {
      logger.warn(media.warning)
    } else {
      logger.info(`media: uploads stay in the S3 bucket the backup recorded (s3://${settings.S3_BUCKET}/${settings.S3_PREFIX})`)
    }

    await step(
      logger,
      'verify restored rows',
      async () => {
        const tables = await userTables(client)
        const problems = rowCountProblems(manifest.database.tables, await rowCounts(client, tables))
        const migrations = await migrationState(client, tables)
        if (migrations.latest !== manifest.database.latestMigration || migrations.count !== manifest.database.migrations) {
          problems.push(
            `migrations: ${migrations.count} up to ${migrations.latest}, the backup ${manifest.database.migrations} up to ${manifest.database.latestMigration}`,
          )
        }
        if (problems.length) throw new Stop(`the restored database differs from the backup:\n- ${problems.join('\n- ')}`)
      },
      () => ({
        tables: Object.keys(manifest.database.tables).length,
        rows: Object.values(manifest.database.tables).reduce((a, b) => a + b, 0),
      }),
    )
    await step(logger, 'analyze', async () => {
      await client.query('ANALYZE')
    })
  } finally {
    await client.end().catch(() => {})
  }
  logger.info(
    { ms: Math.round(performance.now() - started) },
    `restore complete: start the app and the workers (with the PAYLOAD_SECRET the backup was taken with); \`npm start\` applies migrations newer than ${manifest.database.latestMigration}`,
  )
}

main().catch((error: unknown) => fail(logger, error))
