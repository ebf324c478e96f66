import {
  type FoundFile,
  type Manifest,
  backupName,
  fileProblems,
  isBackupName,
  parseManifest,
  partialName,
  rowCountProblems,
} from './manifest'

const sha = (c: string) => c.repeat(64)

function manifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    format: 1,
    name: 'staybase-20261128T141500Z',
    createdAt: '2026-11-28T14:15:00.123Z',
    app: { name: 'staybase', version: '0.1.0' },
    database: {
      name: 'staybase',
      serverVersion: '15.20',
      serverMajor: 15,
      pgDumpVersion: '15.20',
      latestMigration: '20261128_150000_earth_index_restorable',
      migrations: 18,
      tables: { 'public.bookings': 3, 'public.payload_migrations': 18 },
      file: 'database.dump',
    },
    media: { mode: 'local', file: 'media.tar.gz', files: 2, bytes: 1000 },
    files: [
      { name: 'database.dump', bytes: 100, sha256: sha('a') },
      { name: 'media.tar.gz', bytes: 50, sha256: sha('b') },
    ],
    ...overrides,
  }
}

describe('backup names', () => {
  it.each([
    ['2026-11-28T14:15:00.000Z', 'staybase-20261128T141500Z'],
    ['2026-01-02T03:04:05.999Z', 'staybase-20260102T030405Z'],
  ])('%s → %s', (at, name) => {
    expect(backupName(new Date(at))).toBe(name)
    expect(isBackupName(name)).toBe(true)
  })

  it('a backup being written is never named like a backup', () => {
    const partial = partialName('staybase-20261128T141500Z', 4242)
    expect(partial).toBe('.staybase-20261128T141500Z.partial-4242')
    expect(isBackupName(partial)).toBe(false)
  })

  it.each(['staybase-20261128T1415Z', 'backup-20261128T141500Z', 'staybase-20261128T141500Z.tmp'])('%s is not a backup name', (name) => {
    expect(isBackupName(name)).toBe(false)
  })
})

describe('manifest', () => {
  it('reads back what the backup writes', () => {
    const written = manifest()
    expect(parseManifest(JSON.stringify(written))).toEqual({ ok: true, manifest: written })
    const s3 = manifest({
      media: { mode: 's3', bucket: 'photos', prefix: 'prod/', region: 'eu-west-1', endpoint: '', note: 'versioned' },
      files: [{ name: 'database.dump', bytes: 100, sha256: sha('a') }],
    })
    expect(parseManifest(JSON.stringify(s3))).toEqual({ ok: true, manifest: s3 })
  })

  it.each([
    ['not JSON', '{"format": 1,', /not JSON/],
    ['another format', JSON.stringify({ ...manifest(), format: 2 }), /format 2 is not the format 1/],
    ['a bad checksum', JSON.stringify(manifest({ files: [{ name: 'database.dump', bytes: 1, sha256: 'xyz' }] })), /files\.0\.sha256/],
    ['a path for a file', JSON.stringify(manifest({ files: [{ name: '../etc/passwd', bytes: 1, sha256: sha('a') }] })), /files\.0\.name/],
    [
      'no dump listed',
      JSON.stringify(manifest({ files: [{ name: 'media.tar.gz', bytes: 50, sha256: sha('b') }] })),
      /lists no database\.dump/,
    ],
    [
      'no media archive listed',
      JSON.stringify(manifest({ files: [{ name: 'database.dump', bytes: 100, sha256: sha('a') }] })),
      /lists no media\.tar\.gz/,
    ],
    ['a file twice', JSON.stringify(manifest({ files: [...manifest().files, manifest().files[0]!] })), /twice/],
    ['an unknown media mode', JSON.stringify({ ...manifest(), media: { mode: 'ftp' } }), /media/],
  ])('refuses %s', (_, text, problem) => {
    const parsed = parseManifest(text)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.problems.join('\n')).toMatch(problem)
  })

  const expected = manifest().files
  it.each<[string, [string, FoundFile][], RegExp[]]>([
    [
      'intact',
      [
        ['database.dump', { bytes: 100, sha256: sha('a') }],
        ['media.tar.gz', { bytes: 50, sha256: sha('b') }],
      ],
      [],
    ],
    ['a file missing', [['database.dump', { bytes: 100, sha256: sha('a') }]], [/media\.tar\.gz is missing/]],
    [
      'a truncated file',
      [
        ['database.dump', { bytes: 60, sha256: null }],
        ['media.tar.gz', { bytes: 50, sha256: sha('b') }],
      ],
      [/database\.dump has 60 bytes, the manifest says 100/],
    ],
    [
      'a changed file',
      [
        ['database.dump', { bytes: 100, sha256: sha('c') }],
        ['media.tar.gz', { bytes: 50, sha256: sha('b') }],
      ],
      [/database\.dump does not match its SHA-256/],
    ],
    ['both', [['media.tar.gz', { bytes: 50, sha256: sha('d') }]], [/database\.dump is missing/, /media\.tar\.gz does not match/]],
  ])('files: %s', (_, found, problems) => {
    const got = fileProblems(expected, new Map(found))
    expect(got).toHaveLength(problems.length)
    for (const [i, p] of problems.entries()) expect(got[i]).toMatch(p)
  })

  it.each<[string, Record<string, number>, RegExp[]]>([
    ['the same', { a: 1, b: 0 }, []],
    ['a row short', { a: 0, b: 0 }, [/a has 0 rows, the backup 1/]],
    ['a table missing and one extra', { a: 1, c: 0 }, [/b is missing/, /c is not in the backup/]],
  ])('row counts: %s', (_, restored, problems) => {
    const got = rowCountProblems({ a: 1, b: 0 }, restored)
    expect(got).toHaveLength(problems.length)
    for (const [i, p] of problems.entries()) expect(got[i]).toMatch(p)
  })
})
