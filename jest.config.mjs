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

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: { '^.+\\.(t|j)sx?$': swc },
  transformIgnorePatterns: ['/node_modules/'],
  moduleNameMapper: { '^@payload-config$': '<rootDir>/src/payload.config.ts' },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
  globalSetup: '<rootDir>/tests/globalSetup.ts',
  globalTeardown: '<rootDir>/tests/globalTeardown.ts',
  maxWorkers: 1,
  testTimeout: 60_000,
}
