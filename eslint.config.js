// ESLint covers what Biome's formatter/linter cannot: type-aware rules (floating promises, type-only imports) and
// the architecture's import walls (pure packages import no Node built-ins).
import tseslint from 'typescript-eslint';

const pure = ['flow', 'compiler', 'runtime', 'run-contract', 'expression', 'step-sdk', 'api-contract'].map(
  (name) => `packages/${name}/src/**/*.ts`,
);

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.tools/**',
      '.data/**',
      'e2e/artifacts/**',
      '**/.stryker-tmp/**',
      'reports/**',
    ],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Apps never import each other; what the server and the worker share is @pipewright/run-contract.  The server's
    // tests start a real worker, so they may.
    files: ['server/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'server/src/test-support.ts', 'server/src/credentials/credentials-test-harness.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@pipewright/worker', '@pipewright/worker/*', '@pipewright/web', '@pipewright/web/*'],
              message: 'apps never import each other: the run contract is @pipewright/run-contract',
            },
          ],
        },
      ],
    },
  },
  {
    // Workflow code is replayed and must be deterministic: values only from the run contract, the runtime, Temporal's
    // workflow SDK and its own folder (types may come from anywhere: they are erased).
    files: ['worker/src/workflows/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^(?!(@pipewright/run-contract|@pipewright/runtime|@temporalio/workflow|@temporalio/common)$|\\./)',
              allowTypeImports: true,
              message:
                'workflow code imports values only from the run contract, the runtime, @temporalio/workflow and its own folder',
            },
          ],
        },
      ],
    },
  },
  {
    files: pure,
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*'], message: 'pure packages do no I/O (docs/architecture.md)' }] },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'pure packages read no env' }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'pure packages take time from their caller' },
        { object: 'Math', property: 'random', message: 'pure packages take randomness from their caller' },
      ],
    },
  },
);
