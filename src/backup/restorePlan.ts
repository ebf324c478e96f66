import type { Manifest } from './manifest'

/**
 * What restore may do to the database and the media folder it is pointed at. A restore only ever goes
 * into an empty database and an empty media folder, unless `--force` says to empty them first: loading a
 * dump over existing tables would fail halfway (or mix two databases), and extracting over existing
 * uploads would mix two sets of files. Pure: scripts/restore.ts reads the state and acts on the answer.
 */

/** Entries of a media folder that are not uploads: the repository's placeholder. */
const NOT_CONTENT = new Set(['.gitkeep'])

export type TargetState = {
  /** Tables (`schema.table`) in the database's non-system schemas. */
  tables: string[]
  /** Entries of the media folder (null when the backup holds no local media and the folder is not used). */
  mediaEntries: string[] | null
  mediaDir: string
  databaseName: string
}

export type RestorePlan = { ok: true; clearDatabase: boolean; clearMedia: boolean } | { ok: false; problems: string[] }

const sample = (items: string[]) => `${items.slice(0, 5).join(', ')}${items.length > 5 ? `, … (${items.length} in all)` : ''}`

export function mediaContent(entries: string[]): string[] {
  return entries.filter((e) => !NOT_CONTENT.has(e))
}

export function planRestore(target: TargetState, force: boolean): RestorePlan {
  const media = target.mediaEntries === null ? [] : mediaContent(target.mediaEntries)
  const databaseFull = target.tables.length > 0
  const mediaFull = media.length > 0
  if (force) return { ok: true, clearDatabase: databaseFull, clearMedia: mediaFull }
  const problems: string[] = []
  if (databaseFull) {
    problems.push(
      `database ${target.databaseName} is not empty (tables: ${sample(target.tables)}); restore into an empty database, or pass --force to drop its schemas first`,
    )
  }
  if (mediaFull) {
    problems.push(
      `media folder ${target.mediaDir} is not empty (${sample(media)}); restore into an empty folder, or pass --force to empty it first`,
    )
  }
  return problems.length ? { ok: false, problems } : { ok: true, clearDatabase: false, clearMedia: false }
}

export type MediaConfig = { mediaDir: string; s3Bucket: string; s3Prefix: string }

/**
 * How the backup's media comes back under the current settings. Local files are extracted into
 * MEDIA_DIR, which the app reads only without S3: a restore that would put them where the app does not
 * look is refused. An S3 backup recorded the bucket, whose versioning is the media backup: nothing to do
 * here, but a different bucket is worth a warning.
 */
export function mediaPlan(
  media: Manifest['media'],
  config: MediaConfig,
): { action: 'extract'; problem: null; warning: null } | { action: 'none'; problem: string | null; warning: string | null } {
  if (media.mode === 'local') {
    if (config.s3Bucket) {
      return {
        action: 'none',
        problem: `the backup holds local media (${media.files} files) but S3_BUCKET=${config.s3Bucket} is set, so the app would not read them from MEDIA_DIR: unset S3_BUCKET to restore into ${config.mediaDir}, or upload the archive's files to the bucket yourself`,
        warning: null,
      }
    }
    return { action: 'extract', problem: null, warning: null }
  }
  const recorded = `s3://${media.bucket}/${media.prefix}`
  const current = config.s3Bucket ? `s3://${config.s3Bucket}/${config.s3Prefix}` : null
  return {
    action: 'none',
    problem: null,
    warning:
      current === recorded
        ? null
        : `the backup's media is in ${recorded}, but the app is configured for ${current ?? `local files in ${config.mediaDir}`}: point S3_BUCKET/S3_PREFIX at it (or restore the bucket's objects from its versions) so uploads resolve`,
  }
}

/**
 * `--force` empties MEDIA_DIR: never the root of the filesystem, a folder that holds the app (a MEDIA_DIR
 * of `.` or `..` by mistake would otherwise delete the deployment itself), or one that holds a backup —
 * the one being restored or BACKUP_DIR (MEDIA_DIR=/data with BACKUP_DIR=/data/backups on one volume
 * would delete the backups). Paths are compared as given: the caller passes real paths (symlinks
 * resolved), so a link cannot lead the emptying elsewhere.
 */
export function unsafeMediaDir(mediaDir: string, cwd: string, backups: string[] = []): string | null {
  const normal = (p: string) => p.replace(/\/+$/, '') || '/'
  const dir = normal(mediaDir)
  const holds = (other: string) => {
    const inner = normal(other)
    return dir === '/' || dir === inner || inner.startsWith(`${dir}/`)
  }
  if (holds(cwd)) return `MEDIA_DIR ${mediaDir} is the root or contains the working directory (${cwd}); restore refuses to empty it`
  const backup = backups.find(holds)
  if (backup)
    return `MEDIA_DIR ${mediaDir} contains backups (${backup}); restore refuses to empty it: keep backups outside the media folder`
  return null
}
