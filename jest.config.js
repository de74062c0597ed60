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
  },
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      // End-to-end tests stream real bodies through real servers on a 2-core machine; 5 s is too
      // tight under CI load (timing is never asserted this way; benchmarks measure speed).
      testTimeout: 30_000,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
