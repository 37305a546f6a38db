/**
 * NestJS 12 ships ES modules only, so Jest runs in its native ESM mode
 * (`node --experimental-vm-modules`, see package.json) with ts-jest emitting ESM.
 * One run, three projects: unit/contract specs next to the code, the dashboard's data layer
 * (pure TS, no Angular), and e2e suites (API + browser).
 */
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', useESM: true, diagnostics: false }],
};
const common = {
  rootDir: import.meta.dirname,
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform,
  moduleNameMapper: {
    '^@active-tracker/nestjs$': '<rootDir>/libs/active-tracker/src/index.ts',
    '^@active-tracker/plugin-deprecations$': '<rootDir>/libs/plugin-deprecations/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};
export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/demo/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'dashboard',
      testMatch: ['<rootDir>/apps/dashboard/**/*.spec.ts'],
      // Transpiled only; contracts.typecheck.spec.ts type-checks the project against the contracts.
      transform: {
        '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/apps/dashboard/tsconfig.spec.json', useESM: true, diagnostics: false }],
      },
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'] },
  ],
};
