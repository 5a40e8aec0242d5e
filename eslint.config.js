// ESLint covers what Biome's formatter/linter cannot: type-aware rules (floating promises, type-only imports) and
// the architecture's import walls (pure packages import no Node built-ins).
import tseslint from 'typescript-eslint';

const pure = [
  'flow',
  'compiler',
  'runtime',
  'run-contract',
  'expression',
  'step-sdk',
  'api-contract',
  'control-steps',
  'operations',
  'contracts',
  'n8n-import',
].map((name) => `packages/${name}/src/**/*.ts`);

const apps = (...names) => names.flatMap((name) => [`@pipewright/${name}`, `@pipewright/${name}/*`]);
/** An import wall: `no-restricted-imports` with one pattern group and the reason it exists. */
const wall = (group, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group, message }] }],
});

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
    // The worker is an app: it never imports the server or the web app (what they share is the run contract).
    files: ['worker/src/**/*.ts'],
    rules: wall(apps('server', 'web'), 'apps never import each other: the run contract is @pipewright/run-contract'),
  },
  {
    // The browser talks to the server over REST only: no app, no server-side package, no driver.
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    ignores: ['**/*.test.ts'],
    rules: wall(
      [
        ...apps('server', 'worker', 'step-host', 'step-worker', 'secrets', 'devstack'),
        'mongodb',
        '@temporalio/*',
        'node:*',
      ],
      'the web app runs in the browser and reaches the server over REST (web/src/api): it imports no app and no server-side package',
    ),
  },
  {
    // Packages sit below the apps: none imports one (the dev stack launcher and the package worker included).
    files: ['packages/**/*.ts'],
    ignores: ['**/*.test.ts', 'packages/step-host/**'],
    rules: wall(
      apps('server', 'worker', 'web'),
      'packages never import an app: apps are built on packages, not the reverse',
    ),
  },
  {
    // The step host runs inside workers but never starts one: no app, and no Temporal worker or workflow SDK.
    files: ['packages/step-host/src/**/*.ts'],
    rules: wall(
      [...apps('server', 'worker', 'web'), '@temporalio/worker', '@temporalio/workflow'],
      'the step host is what runs inside a worker, not a worker: apps wire it to Temporal',
    ),
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
                '^(?!(@pipewright/run-contract|@pipewright/runtime|@pipewright/operations|@temporalio/workflow|@temporalio/common)$|\\./)',
              allowTypeImports: true,
              message:
                'workflow code imports values only from the run contract, the runtime, the run report (@pipewright/operations), @temporalio/workflow and its own folder',
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
        {
          patterns: [
            { group: ['node:*'], message: 'pure packages do no I/O (docs/architecture.md)' },
            // (this rule replaces the packages' wall above for pure files, so it is repeated here)
            { group: apps('server', 'worker', 'web'), message: 'packages never import an app' },
          ],
        },
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
