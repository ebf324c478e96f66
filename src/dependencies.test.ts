import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'

/**
 * The direction of dependencies, kept by a test rather than by memory:
 * - nothing under src/ imports from the top-level jobs/ (the processors, the worker, the schedules):
 *   producers use the registry in src/jobs/registry.ts, and jobs/ imports src/, never the reverse;
 * - src/domain/ is pure: it imports only itself and Node's built-ins (no Payload, no database, no
 *   services; parsing libraries in PURE_LIBRARIES aside), so its rules run in the unit project without a stack.
 */
const root = process.cwd()
const sources = (dir: string): string[] =>
  readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))

/** Every module a file imports (static, dynamic and re-exports), resolved to a repository path when local. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8')
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]!)
  return specifiers.map((s) => {
    if (s.startsWith('@/')) return path.join('src', s.slice(2))
    if (s.startsWith('.')) return path.relative(root, path.resolve(root, path.dirname(file), s))
    return s
  })
}

/** Libraries that only compute (no I/O, no state kept between calls), so domain rules may use them. */
const PURE_LIBRARIES = ['ipaddr.js', 'ical.js']

describe('dependencies', () => {
  it('finds the files it checks', () => {
    expect(sources('src').length).toBeGreaterThan(100)
    expect(importsOf('src/services/queue.ts')).toContain(path.join('src', 'jobs', 'registry'))
  })

  it('no file under src/ imports from jobs/', () => {
    const offending = sources('src').flatMap((file) =>
      importsOf(file)
        .filter((m) => m === 'jobs' || m.startsWith(`jobs${path.sep}`))
        .map((m) => `${file} → ${m}`),
    )
    expect(offending).toEqual([])
  })

  it('src/domain/ imports only itself and node: built-ins (test tools aside)', () => {
    const offending = sources('src/domain').flatMap((file) =>
      importsOf(file)
        .filter((m) => !m.startsWith(`src${path.sep}domain${path.sep}`) && !m.startsWith('node:'))
        .filter((m) => !(file.endsWith('.test.ts') && m === 'fast-check'))
        .filter((m) => !PURE_LIBRARIES.includes(m))
        .map((m) => `${file} → ${m}`),
    )
    expect(offending).toEqual([])
  })
})
