// ESLint (flat config): typescript-eslint's recommended rules plus the import
// boundaries of ../shared/CONVENTIONS.md. `npm run lint` (run by `npm test`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const LIBS = ['config', 'database', 'platform', 'catalog', 'slo', 'incidents', 'status'];

/** Outside a lib only its public entries are imported: `@app/x`, or `@app/x/core` (the framework-free entry, for worker threads). */
const PUBLIC_ENTRIES_ONLY = {
  regex: '^@app/[a-z-]+/(?!core$)',
  message: 'Import a lib through its public entry (@app/x, or @app/x/core for framework-free code), not a file inside it.',
};
/** No deep relative imports into a lib from outside it (a lib's own files use relative paths inside it). */
const NO_RELATIVE_INTO_LIBS = { regex: '^(\\.\\./)+libs/[a-z-]+/src/.+', message: 'Import a lib through @app/x, not by a relative path into its files.' };

/** no-restricted-imports for a file group, with the common patterns plus its own. */
const restrict = (...patterns) => ['error', { patterns: [PUBLIC_ENTRIES_ONLY, ...patterns] }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // The codebase's own conventions, which these recommended rules contradict:
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/no-namespace': 'off', // Express type augmentation
      'no-empty': ['error', { allowEmptyCatch: true }],
      // prom-client's collect() callbacks run with `this` as the metric: the owning service is named `service` there.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['service'] }],
      // The feeds strip the control characters XML 1.0 forbids, by regular expression, on purpose.
      'no-control-regex': 'off',
      'no-regex-spaces': 'off',
      'no-restricted-imports': restrict(NO_RELATIVE_INTO_LIBS),
    },
  },
  {
    // Libs never import apps, and never reach into another lib's files.
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        { regex: '(^|/)apps/', message: 'A lib never imports an app.' },
        { regex: `^(\\.\\./)+(${LIBS.join('|')})/`, message: 'Import another lib through its entry (@app/x), not by a relative path into its files.' },
      ),
    },
  },
  {
    // @app/slo and @app/incidents are independent of each other.
    files: ['libs/slo/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        { regex: '(^|/)apps/', message: 'A lib never imports an app.' },
        { regex: `^(\\.\\./)+(${LIBS.join('|')})/`, message: 'Import another lib through its entry (@app/x), not by a relative path into its files.' },
        { regex: '^@app/incidents(/|$)', message: '@app/slo never imports @app/incidents (they talk through ports; see CONVENTIONS.md).' },
      ),
    },
  },
  {
    files: ['libs/incidents/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        { regex: '(^|/)apps/', message: 'A lib never imports an app.' },
        { regex: `^(\\.\\./)+(${LIBS.join('|')})/`, message: 'Import another lib through its entry (@app/x), not by a relative path into its files.' },
        { regex: '^@app/slo(/|$)', message: '@app/incidents never imports @app/slo (they talk through ports; see CONVENTIONS.md).' },
        { regex: '^@slack/', message: 'Slack has one home, apps/api/src/slack (README "Architecture"): @app/incidents knows nothing about Slack.' },
      ),
    },
  },
  {
    // Run outside Jest's module mapper and tsconfig-paths (Jest's global setup, plain ts-node child processes):
    // they import @app/database's files by path. The one explicit exception to the entry rule.
    files: ['test/support/global-setup.ts', 'test/support/pg-server.ts', 'test/resilience/system.ts'],
    rules: { 'no-restricted-imports': restrict() },
  },
  {
    // Benchmarks read loosely typed JSON from other processes.
    files: ['bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Migration classes are listed as TypeORM takes them (appended to by every branch that adds one).
    files: ['migrations/index.ts'],
    rules: { '@typescript-eslint/no-unsafe-function-type': 'off' },
  },
);
