/**
 * Which pg_dump / pg_restore the backup scripts may use. Their major version must be the server's:
 * pg_dump refuses a server newer than itself, and the dump of a newer pg_dump can hold syntax an older
 * server does not accept, so an older or newer client is refused before anything is written.
 * Pure: scripts/lib/backupRuntime.ts probes the candidates (runs `--version`) and hands the answers here.
 */

export type PgTool = 'pg_dump' | 'pg_restore'

export type ToolVersion = { major: number; version: string }

/** `SHOW server_version_num` → major version (150020 → 15). Majors before 10 (9.6 …) are not supported. */
export function serverMajor(versionNum: number | string): number {
  const n = Number(versionNum)
  if (!Number.isInteger(n) || n < 100_000) throw new Error(`unsupported PostgreSQL server_version_num ${versionNum} (10 or newer needed)`)
  return Math.floor(n / 10_000)
}

/** `pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)` → { major: 15, version: '15.20' }; null if it is not one. */
export function parseToolVersion(output: string): ToolVersion | null {
  const match = /\(PostgreSQL\)\s+((\d+)(?:\.\d+)*(?:[a-z]+\d*)?)/.exec(output)
  if (!match) return null
  return { major: Number(match[2]), version: match[1]! }
}

/**
 * Where to look, in order. PG_BIN_DIR, when set, is the only place: whoever names a folder means that
 * client, and falling back to another would hide a mistake. Otherwise Debian's versioned folder (which
 * holds exactly that major, beside any other installed client), then PATH (whose `pg_dump` on Debian is
 * a wrapper that may pick any installed version).
 */
export function toolCandidates(tool: PgTool, major: number, pgBinDir: string): string[] {
  if (pgBinDir) return [`${pgBinDir.replace(/\/+$/, '')}/${tool}`]
  return [`/usr/lib/postgresql/${major}/bin/${tool}`, tool]
}

/** A candidate as probed: its `--version` output, or null when it is missing or did not run. */
export type ProbedTool = { path: string; output: string | null }

export type ToolChoice = { ok: true; path: string; version: string } | { ok: false; message: string }

/** The first candidate whose major is the server's, or a message that says what is needed and how to get it. */
export function chooseTool(tool: PgTool, server: { major: number; version: string }, probed: ProbedTool[], pgBinDir: string): ToolChoice {
  for (const candidate of probed) {
    const parsed = candidate.output === null ? null : parseToolVersion(candidate.output)
    if (parsed?.major === server.major) return { ok: true, path: candidate.path, version: parsed.version }
  }
  const found = probed
    .map((c) => {
      if (c.output === null) return `${c.path}: not found`
      const parsed = parseToolVersion(c.output)
      return `${c.path}: ${parsed ? `version ${parsed.version}` : `not a PostgreSQL tool (${c.output.trim().slice(0, 80)})`}`
    })
    .join('; ')
  const where = pgBinDir ? ` PG_BIN_DIR=${pgBinDir} is the only place looked at while it is set.` : ''
  return {
    ok: false,
    message:
      `${tool} ${server.major} is needed: the server is PostgreSQL ${server.version}, and ${tool} must have the server's major version. ` +
      `Found: ${found}.${where} Install it with \`apt-get install postgresql-client-${server.major}\` ` +
      `(Debian/Ubuntu; from the PostgreSQL apt repository, apt.postgresql.org, when your release does not ship that version), ` +
      'run the command in the Staybase Docker image (it ships the client of the PostgreSQL 15 it is composed with), ' +
      `or set PG_BIN_DIR to the folder of a ${tool} ${server.major}.`,
  }
}

/**
 * A restore goes into a server of the backup's major or a newer one (pg_dump's output is meant to load
 * into newer servers); into an older server it is refused, since it may use syntax the older one lacks.
 */
export function restoreTargetProblem(backupMajor: number, targetMajor: number): string | null {
  if (targetMajor >= backupMajor) return null
  return `the backup was taken from PostgreSQL ${backupMajor} and cannot be restored into the older PostgreSQL ${targetMajor}: restore it into a server of version ${backupMajor} or newer`
}
