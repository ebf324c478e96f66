import { chooseTool, parseToolVersion, restoreTargetProblem, serverMajor, toolCandidates } from './pgTools'

describe('versions', () => {
  it.each([
    [150020, 15],
    ['160004', 16],
    [170000, 17],
    [100023, 10],
  ])('server_version_num %s is major %i', (num, major) => {
    expect(serverMajor(num)).toBe(major)
  })

  it.each([90624, 'abc', 0])('server_version_num %s is refused', (num) => {
    expect(() => serverMajor(num)).toThrow(/unsupported/)
  })

  it.each([
    ['pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n', { major: 15, version: '15.20' }],
    ['pg_restore (PostgreSQL) 16.4\n', { major: 16, version: '16.4' }],
    ['pg_dump (PostgreSQL) 17beta1', { major: 17, version: '17beta1' }],
    ['pg_dump (PostgreSQL) 18devel', { major: 18, version: '18devel' }],
    ['pg_dump (PostgreSQL) 14.11 (Ubuntu 14.11-1.pgdg22.04+1)', { major: 14, version: '14.11' }],
    ['Error: You must install at least one postgresql-client-<version> package', null],
    ['', null],
  ])('%j → %j', (output, expected) => {
    expect(parseToolVersion(output)).toEqual(expected)
  })
})

describe('choosing pg_dump / pg_restore', () => {
  const server = { major: 15, version: '15.20' }
  const v = (major: string) => `pg_dump (PostgreSQL) ${major}`

  it('looks only in PG_BIN_DIR when it is set, else in the versioned folder, then PATH', () => {
    expect(toolCandidates('pg_dump', 15, '/opt/pg/bin/')).toEqual(['/opt/pg/bin/pg_dump'])
    expect(toolCandidates('pg_restore', 16, '')).toEqual(['/usr/lib/postgresql/16/bin/pg_restore', 'pg_restore'])
  })

  it.each([
    [
      'the versioned folder',
      [
        { path: '/usr/lib/postgresql/15/bin/pg_dump', output: v('15.20') },
        { path: 'pg_dump', output: v('16.1') },
      ],
      '/usr/lib/postgresql/15/bin/pg_dump',
    ],
    [
      'PATH when the folder is missing',
      [
        { path: '/usr/lib/postgresql/15/bin/pg_dump', output: null },
        { path: 'pg_dump', output: v('15.3') },
      ],
      'pg_dump',
    ],
    [
      'PATH when the folder holds another major',
      [
        { path: '/x/pg_dump', output: v('14.2') },
        { path: 'pg_dump', output: v('15.1') },
      ],
      'pg_dump',
    ],
  ])('picks %s', (_, probed, path) => {
    const choice = chooseTool('pg_dump', server, probed, '')
    expect(choice).toMatchObject({ ok: true, path })
  })

  it.each([
    ['an older client', [{ path: 'pg_dump', output: v('14.11') }], /found: pg_dump: version 14\.11/i],
    ['a newer client', [{ path: 'pg_dump', output: v('16.2') }], /version 16\.2/],
    [
      'no client',
      [
        { path: '/usr/lib/postgresql/15/bin/pg_dump', output: null },
        { path: 'pg_dump', output: null },
      ],
      /not found.*not found/,
    ],
    ['something else', [{ path: 'pg_dump', output: 'Error: no such cluster' }], /not a PostgreSQL tool \(Error: no such cluster\)/],
  ])('refuses %s, saying what is needed and how to get it', (_, probed, found) => {
    const choice = chooseTool('pg_dump', server, probed, '')
    expect(choice.ok).toBe(false)
    if (choice.ok) return
    expect(choice.message).toMatch(/^pg_dump 15 is needed: the server is PostgreSQL 15\.20/)
    expect(choice.message).toMatch(found)
    expect(choice.message).toContain('apt-get install postgresql-client-15')
    expect(choice.message).toContain('Docker image')
    expect(choice.message).not.toContain('PG_BIN_DIR=')
  })

  it('says PG_BIN_DIR was the only place looked at', () => {
    const choice = chooseTool(
      'pg_restore',
      { major: 16, version: '16.4' },
      [{ path: '/tmp/bin/pg_restore', output: v('15.1') }],
      '/tmp/bin',
    )
    expect(choice).toMatchObject({ ok: false, message: expect.stringContaining('PG_BIN_DIR=/tmp/bin is the only place') })
    expect(choice).toMatchObject({ message: expect.stringContaining('postgresql-client-16') })
  })

  it.each([
    [15, 15, null],
    [15, 16, null],
    [16, 15, /from PostgreSQL 16 .* older PostgreSQL 15/],
  ])('a backup of %i restores into %i: %s', (backup, target, problem) => {
    const found = restoreTargetProblem(backup, target)
    if (problem === null) expect(found).toBeNull()
    else expect(found).toMatch(problem)
  })
})
