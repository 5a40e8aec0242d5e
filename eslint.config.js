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
