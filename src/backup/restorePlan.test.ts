import { mediaPlan, planRestore, unsafeMediaDir } from './restorePlan'

const target = (tables: string[], mediaEntries: string[] | null) => ({
  tables,
  mediaEntries,
  mediaDir: '/srv/media',
  databaseName: 'staybase',
})

describe('restore into what', () => {
  it.each([
    ['empty database, empty folder', [], [], false, { ok: true, clearDatabase: false, clearMedia: false }],
    ['empty database, only the placeholder', [], ['.gitkeep'], false, { ok: true, clearDatabase: false, clearMedia: false }],
    ['empty database, media not used (S3)', [], null, false, { ok: true, clearDatabase: false, clearMedia: false }],
    ['full database with --force', ['public.users'], ['a.jpg'], true, { ok: true, clearDatabase: true, clearMedia: true }],
    ['empty targets with --force', [], ['.gitkeep'], true, { ok: true, clearDatabase: false, clearMedia: false }],
  ])('%s → %j', (_, tables, media, force, plan) => {
    expect(planRestore(target(tables, media), force)).toEqual(plan)
  })

  it.each([
    [
      'a table in public',
      ['public.payload_migrations'],
      [],
      [/database staybase is not empty \(tables: public\.payload_migrations\).*--force/],
    ],
    ['a table in another schema', ['reporting.x'], [], [/reporting\.x/]],
    ['a file in the folder', [], ['photo.jpg'], [/media folder \/srv\/media is not empty \(photo\.jpg\).*--force/]],
    [
      'both, many',
      ['public.a', 'public.b', 'public.c', 'public.d', 'public.e', 'public.f'],
      ['x'],
      [/public\.e, … \(6 in all\)/, /media folder/],
    ],
  ])('refuses %s without --force', (_, tables, media, problems) => {
    const plan = planRestore(target(tables, media), false)
    expect(plan.ok).toBe(false)
    if (plan.ok) return
    expect(plan.problems).toHaveLength(problems.length)
    for (const [i, p] of problems.entries()) expect(plan.problems[i]).toMatch(p)
  })
})

describe('media of the backup under the current settings', () => {
  const local = { mode: 'local', file: 'media.tar.gz', files: 3, bytes: 10 } as const
  const s3 = { mode: 's3', bucket: 'photos', prefix: 'prod/', region: 'eu-west-1', endpoint: '', note: '' } as const

  it.each([
    ['local files, local app', local, { mediaDir: '/m', s3Bucket: '', s3Prefix: '' }, { action: 'extract', problem: null, warning: null }],
    [
      'S3 backup, same bucket',
      s3,
      { mediaDir: '/m', s3Bucket: 'photos', s3Prefix: 'prod/' },
      { action: 'none', problem: null, warning: null },
    ],
  ])('%s', (_, media, config, plan) => {
    expect(mediaPlan(media, config)).toEqual(plan)
  })

  it('refuses local files when the app reads S3', () => {
    expect(mediaPlan(local, { mediaDir: '/m', s3Bucket: 'photos', s3Prefix: '' }).problem).toMatch(/S3_BUCKET=photos is set/)
  })

  it.each([
    ['another bucket', { mediaDir: '/m', s3Bucket: 'other', s3Prefix: 'prod/' }, /s3:\/\/photos\/prod\/.*s3:\/\/other\/prod\//],
    ['no bucket', { mediaDir: '/m', s3Bucket: '', s3Prefix: '' }, /local files in \/m/],
  ])('warns about an S3 backup with %s configured', (_, config, warning) => {
    const plan = mediaPlan(s3, config)
    expect(plan.problem).toBeNull()
    expect(plan.warning).toMatch(warning)
  })

  it.each([
    ['/', '/app', true],
    ['/app', '/app', true],
    ['/app/', '/app', true],
    ['/', '/', true],
    ['/srv', '/srv/staybase', true],
    ['/app/media', '/app', false],
    ['/srv/media', '/app', false],
    ['/app-media', '/app', false],
  ])('emptying %s from %s is refused: %s', (dir, cwd, refused) => {
    expect(unsafeMediaDir(dir, cwd) !== null).toBe(refused)
  })

  it.each([
    ['BACKUP_DIR inside the media folder', '/data', ['/data/backups'], true],
    ['the backup being restored inside it', '/srv/media', ['/backups', '/srv/media/old/staybase-20261128T141500Z'], true],
    ['the media folder is BACKUP_DIR', '/backups', ['/backups'], true],
    ['backups beside it', '/data/media', ['/data/backups', '/data/backups/staybase-20261128T141500Z'], false],
    ['a name that only starts the same', '/data/media', ['/data/media-backups'], false],
  ])('%s: refused %s', (_, dir, backups, refused) => {
    expect(unsafeMediaDir(dir, '/app', backups) !== null).toBe(refused)
  })
})
