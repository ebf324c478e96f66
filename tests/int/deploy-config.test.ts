import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'

import { parse } from 'yaml'

/**
 * The deployment files agree with each other (no Docker engine runs here, so they are checked by
 * reading; `npm run lint:ci` validates the workflow with actionlint and the compose file against the
 * Compose schema): every compose service has a healthcheck, Prometheus scrapes the services compose
 * runs with the token file compose mounts, the monitoring YAML parses, the image is pinned and runs as
 * a user, and the rollout keeps its order.
 */

type Service = {
  image?: string
  command?: string[]
  ports?: string[]
  volumes?: string[]
  secrets?: string[]
  healthcheck?: { test?: unknown; disable?: boolean }
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
  services: Record<string, Service>
  secrets?: Record<string, { environment?: string; file?: string }>
}
const monitoring = 'docs/monitoring'

it('every compose service has a healthcheck', () => {
  const missing = Object.entries(compose.services)
    .filter(([, service]) => !service.healthcheck?.test || service.healthcheck.disable)
    .map(([name]) => name)
  expect(missing).toEqual([])
})

it('the app and the worker run the deployed image (STAYBASE_IMAGE), and the worker is probed on its metrics port', () => {
  // Compose's own interpolation syntax, kept literally in the file.
  const deployedImage = ['$', '{STAYBASE_IMAGE:-staybase:local}'].join('')
  expect(compose.services.app?.image).toBe(deployedImage)
  expect(compose.services.worker?.image).toBe(deployedImage)
  expect(JSON.stringify(compose.services.worker?.healthcheck?.test)).toContain('9464')
  expect(JSON.stringify(compose.services.worker?.healthcheck?.test)).toContain('/healthz')
})

it('Prometheus scrapes app:3000 and worker:9464 with the token file compose mounts, and loads its rules from beside its config', () => {
  const prometheus = compose.services.prometheus!
  expect(prometheus.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/)
  const configFlag = prometheus.command?.find((arg) => arg.startsWith('--config.file='))
  expect(configFlag).toBe('--config.file=/etc/prometheus/prometheus.yml')
  expect(prometheus.volumes).toContain(`./${monitoring}:/etc/prometheus:ro`)

  const config = parse(readFileSync(path.join(monitoring, 'prometheus.yml'), 'utf8')) as {
    rule_files: string[]
    scrape_configs: {
      job_name: string
      metrics_path?: string
      authorization?: { type?: string; credentials_file?: string }
      static_configs: { targets: string[] }[]
    }[]
  }
  const jobs = Object.fromEntries(config.scrape_configs.map((job) => [job.job_name, job]))
  const targets = (name: string) => jobs[name]?.static_configs.flatMap((c) => c.targets)
  expect(targets('staybase-app')).toEqual(['app:3000'])
  expect(targets('staybase-worker')).toEqual(['worker:9464'])

  // Compose mounts a service's secret at /run/secrets/<name>.
  const [secret] = prometheus.secrets ?? []
  expect(secret).toBeDefined()
  expect(compose.secrets?.[secret!]?.environment).toBe('METRICS_TOKEN')
  for (const job of ['staybase-app', 'staybase-worker']) {
    expect(jobs[job]?.metrics_path).toBe('/metrics')
    expect(jobs[job]?.authorization).toEqual({ type: 'Bearer', credentials_file: `/run/secrets/${secret}` })
  }
  // Relative rule files are read from the config's folder, the mounted docs/monitoring.
  expect(config.rule_files).toEqual(['alerts.yml'])
})

it('every YAML file under docs/monitoring parses', () => {
  const files = readdirSync(monitoring).filter((name) => /\.ya?ml$/.test(name))
  expect(files).toContain('prometheus.yml')
  for (const name of files) {
    expect(() => parse(readFileSync(path.join(monitoring, name), 'utf8'))).not.toThrow()
  }
})

it('the Dockerfile pins its base by exact tag, installs from the lockfile, runs as a user and has a HEALTHCHECK', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8')
  expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-[a-z]+-slim$/m)
  expect(dockerfile).not.toMatch(/npm install/)
  expect(dockerfile).toMatch(/RUN npm ci /)
  const users = [...dockerfile.matchAll(/^USER (\S+)$/gm)].map((m) => m[1])
  expect(users.at(-1)).toBe('staybase')
  expect(dockerfile).toMatch(/^HEALTHCHECK /m)
})

it('the rollout migrates once, then replaces the workers, then the app, each waited healthy', () => {
  const script = readFileSync('scripts/deploy.sh', 'utf8')
  const at = (pattern: RegExp) => {
    const index = script.search(pattern)
    expect(index).toBeGreaterThan(-1)
    return index
  }
  const pull = at(/^docker compose pull /m)
  const migrate = at(/^docker compose run --rm --no-deps app node --conditions=production dist\/migrate\.js$/m)
  const workers = at(/^docker compose up -d --no-deps --wait .* worker$/m)
  const app = at(/^docker compose up -d --no-deps --wait .* app$/m)
  expect(pull < migrate && migrate < workers && workers < app).toBe(true)
  expect(script).toMatch(/^export MIGRATE_ON_START=false$/m)

  const workflow = parse(readFileSync('.github/workflows/ci.yml', 'utf8')) as {
    jobs: Record<string, { environment?: { name?: string }; needs?: string[]; steps: { run?: string }[] }>
  }
  const deploy = workflow.jobs.deploy!
  expect(deploy.environment?.name).toBe('production')
  expect(deploy.needs).toEqual(['test', 'image'])
  expect(deploy.steps.some((step) => step.run?.includes('bash deploy.sh'))).toBe(true)
  expect(workflow.jobs.test!.steps.some((step) => step.run === 'bash .ci/run')).toBe(true)
})
