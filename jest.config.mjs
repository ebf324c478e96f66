/**
 * jest on native ESM (Payload 3 is ESM-only): node's --experimental-vm-modules (set by `npm test`),
 * @swc/jest compiles TypeScript to ES modules, node_modules is left alone. Suites run one at a time:
 * each starts its own server on its own database, and the machine has two cores.
 */
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022' },
    module: { type: 'es6' },
  },
]

/** What every project shares: native ESM, TypeScript through swc. */
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: { '^.+\\.(t|j)sx?$': swc },
  transformIgnorePatterns: ['/node_modules/'],
  moduleNameMapper: { '^@payload-config$': '<rootDir>/src/payload.config.ts', '^@/(.*)$': '<rootDir>/src/$1' },
}

/**
 * Two projects. `unit`: the pure tests next to the code under src/ (rules, parsers, builders) — no
 * database, Redis or build, so `npm run test:unit` runs them in seconds. `int`: the suites under tests/,
 * each against a server it starts on its own database (tests/globalSetup.ts finds PostgreSQL, migrates
 * a template and checks Redis, only when an `int` suite runs). `npm test` runs both.
 */
export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.test.ts'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/tests/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/globalSetup.ts',
      globalTeardown: '<rootDir>/tests/globalTeardown.ts',
    },
  ],
  maxWorkers: 1,
  testTimeout: 60_000,
}
