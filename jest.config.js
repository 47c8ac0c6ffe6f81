/** Jest runs the TypeScript tests as ES modules (npm test passes --experimental-vm-modules). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {'^(\\.{1,2}/.*)\\.js$': '$1'},
  transform: {'^.+\\.ts$': ['ts-jest', {useESM: true, tsconfig: 'tsconfig.json'}]},
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/sts-server/test/**/*.test.ts'],
  testTimeout: 60000,
}
