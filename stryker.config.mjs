/**
 * Mutation testing over the unit tests alone (`npm run test:mutation`): each surviving mutant is a
 * behaviour no unit test pins down. CPU-heavy, so not part of `npm test`; run it for one module with
 * `npm run test:mutation -- --mutate src/aws/ini.ts`. StrykerJS 9.x is the last line that runs on
 * Node 20 (10.x needs Node 22).
 */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    enableFindRelatedTests: false,
    config: {
      // MUTATION_TESTS narrows the tests to folders or files (comma-separated, e.g. test/unit/cli or
      // test/unit/session/cache.test.ts): a shorter run, and a lower bound of the score. Default: every unit test.
      testMatch: (process.env.MUTATION_TESTS ?? 'test/unit').split(',').map(p => (p.endsWith('.ts') ? `<rootDir>/${p}` : `<rootDir>/${p}/**/*.test.ts`)),
    },
  },
  checkers: [],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants) need a fresh module per test: far too slow for what they find.
  ignoreStatic: true,
  concurrency: 1,
  timeoutMS: 20000,
  mutate: [
    'src/session/*.ts',
    'src/aws/*.ts',
    'src/shells/*.ts',
    'src/cli/*.ts',
    '!src/**/types.ts',
  ],
  reporters: ['clear-text', 'progress'],
  thresholds: {high: 90, low: 80, break: null},
  tempDirName: '.stryker-tmp',
  incremental: false,
}
