/**
 * Builds what `npm start` and the test suite run: the Next/Payload app (`next build`) and the express
 * server bundled with esbuild (dependencies stay external; bundling halves start time versus tsx).
 *
 *   tsx scripts/build.ts             always build
 *   tsx scripts/build.ts --if-stale  build only when a source file changed since the last build
 *
 * Staleness is a hash of every input file, so `npm test` never runs against an old build.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import { build } from 'esbuild'

const root = process.cwd()
const HASH_FILE = path.join(root, '.next', 'staybase-build.hash')
const INPUT_DIRS = ['src', 'collections', 'hooks', 'jobs', 'migrations']
const INPUT_FILES = [
  'next.config.mjs',
  'tsconfig.json',
  'package-lock.json',
  'scripts/migrate.ts',
  'scripts/backup.ts',
  'scripts/restore.ts',
  'scripts/lib/backupRuntime.ts',
  'scripts/lib/database.ts',
]
/** The bundled processes; `backup` and `restore` are the operations scripts (`npm run backup`, `npm run restore`). */
const PROCESSES = {
  server: 'src/server.ts',
  worker: 'jobs/worker.ts',
  migrate: 'scripts/migrate.ts',
  backup: 'scripts/backup.ts',
  restore: 'scripts/restore.ts',
}
const OPERATIONS = ['backup', 'restore'] as const

function* walk(dir: string): Generator<string> {
  if (!existsSync(dir)) return
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry)
    if (statSync(full).isDirectory()) yield* walk(full)
    else yield full
  }
}

function inputHash(except: string[] = []): string {
  const hash = createHash('sha256')
  const files = [
    ...INPUT_DIRS.flatMap((d) => [...walk(path.join(root, d))]),
    ...INPUT_FILES.filter((f) => !except.includes(f)).map((f) => path.join(root, f)),
  ]
  for (const file of files) {
    if (!existsSync(file)) continue
    hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0')
  }
  return hash.digest('hex')
}

/**
 * The processes that run outside Next — the server, the worker, migrations, backup and restore — as
 * plain JavaScript, so they start fast and never depend on a TypeScript loader at run time (see
 * scripts/migrate.ts); the Docker image has dist/ but not scripts/.
 */
async function bundleProcesses(only?: readonly (keyof typeof PROCESSES)[]): Promise<void> {
  await build({
    entryPoints: only ? Object.fromEntries(only.map((name) => [name, PROCESSES[name]])) : PROCESSES,
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    // Bundled ESM code that needs require() (some CommonJS dependencies' internals) gets a real one.
    banner: {
      js: "import { createRequire as __staybaseCreateRequire } from 'node:module'; const require = __staybaseCreateRequire(import.meta.url);",
    },
  })
}

async function main(): Promise<void> {
  if (process.argv.includes('--processes-only')) {
    await bundleProcesses()
    return
  }
  // `npm run backup`/`restore` in a clone: only their own bundles, so a server or worker bundle that
  // is running or about to be started is never rewritten under it.
  if (process.argv.includes('--operations-only')) {
    await bundleProcesses(OPERATIONS)
    return
  }
  const ifStale = process.argv.includes('--if-stale')
  const hash = inputHash()
  const built =
    existsSync(HASH_FILE) &&
    existsSync(path.join(root, '.next', 'BUILD_ID')) &&
    Object.keys(PROCESSES).every((name) => existsSync(path.join(root, 'dist', `${name}.js`))) &&
    readFileSync(HASH_FILE, 'utf8').trim() === hash
  if (ifStale && built) {
    console.log('build is up to date')
    return
  }

  const started = Date.now()
  const sourcesBefore = inputHash(['tsconfig.json'])
  const result = spawnSync('npx', ['next', 'build'], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  })
  if (result.status !== 0) process.exit(result.status ?? 1)

  await bundleProcesses()
  // Hashed after the build: `next build` may rewrite tsconfig.json, which must not look like a change.
  // A source edited while the build ran is not in it: record a hash that makes the next run build again.
  const unchanged = inputHash(['tsconfig.json']) === sourcesBefore
  writeFileSync(HASH_FILE, `${unchanged ? inputHash() : 'sources-changed-during-build'}\n`)
  if (!unchanged) console.warn('sources changed while building: the next `--if-stale` build will run again')
  console.log(`build finished in ${((Date.now() - started) / 1000).toFixed(0)} s`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
