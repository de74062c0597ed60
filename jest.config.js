// Two projects: unit specs beside the code, e2e specs under test/ that boot the real AppModule.
const tsJest = [
  'ts-jest',
  {
    tsconfig: '<rootDir>/tsconfig.json',
    // Type errors are the job of `npm run typecheck`; 151002 only warns about the CommonJS/nodenext mix.
    diagnostics: { ignoreCodes: [151002], exclude: ['**'] },
    astTransformers: {
      before: ['<rootDir>/test/setup/swagger-plugin.transformer.js'],
    },
  },
];

const shared = {
  rootDir: __dirname,
  moduleFileExtensions: ['js', 'json', 'ts'],
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper: {
    '^src/(.*)$': '<rootDir>/src/$1',
    '^test/(.*)$': '<rootDir>/test/$1',
    '^examples/(.*)$': '<rootDir>/examples/$1',
    '^scripts/(.*)$': '<rootDir>/scripts/$1',
  },
};

module.exports = {
  rootDir: __dirname,
  // The suites run one file at a time (`--maxWorkers=1`) in a worker process, never in Jest's own
  // process: every test file's module registry (a VM context) outlives the file in the process
  // that ran it, so one process running the whole suite grows past V8's heap limit. A worker
  // found above this when idle is replaced before the next file.
  workerIdleMemoryLimit: '1536MB',
  reporters: ['default', '<rootDir>/test/setup/summary-reporter.js'],
  testSequencer: '<rootDir>/test/setup/audit-last.sequencer.js',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      // `testTimeout` is not a per-project option; the e2e project sets its timeout here.
      setupFilesAfterEnv: ['<rootDir>/test/setup/e2e-timeout.ts'],
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
