// Lint: typescript-eslint everywhere; for workflow code, the determinism rules as well
// (no Node built-ins, no floating promises: a workflow must replay exactly).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// The layers (README, "Layout"): api → workflow contracts → workflows → activities → services →
// db / channels / domain → lib. scripts/ and workers/ are entry points; nothing but tests imports test/.
// For each folder, the folders it must not import from (type-only imports count: a type a lower layer
// needs belongs in a lower layer). Workflows may import activity *types*: see their block below.
const forbiddenImports = {
  lib: ['api', 'workflows', 'activities', 'services', 'channels', 'db', 'domain', 'workers', 'scripts', 'test'],
  domain: ['api', 'workflows', 'activities', 'services', 'channels', 'db', 'workers', 'scripts', 'test'],
  db: ['api', 'workflows', 'activities', 'services', 'channels', 'workers', 'scripts', 'test'],
  channels: ['api', 'activities', 'workers', 'scripts', 'test'],
  services: ['api', 'activities', 'workers', 'scripts', 'test'],
  activities: ['api', 'workers', 'scripts', 'test'],
  workflows: ['api', 'services', 'channels', 'db', 'workers', 'scripts', 'test'],
  api: ['activities', 'workers', 'scripts', 'test'],
  workers: ['api', 'scripts', 'test'],
  scripts: ['test'],
};
const layerPatterns = (folder) =>
  forbiddenImports[folder].map((target) => ({
    group: [`**/${target}/**`],
    message: `${folder}/ must not import ${target}/: the layers point one way (README, "Layout").`,
  }));
// Temporal's packages by layer: workflow code is sandboxed; activities are the only Temporal adapters.
const onlyActivitiesUseActivityContext = {
  group: ['@temporalio/activity', '@temporalio/workflow'],
  message: 'Only activities/ use the activity context, and only workflows/ use @temporalio/workflow.',
};
const layerRules = Object.keys(forbiddenImports)
  .filter((folder) => folder !== 'workflows')
  .map((folder) => ({
    files: [`${folder}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...layerPatterns(folder),
            ...(['services', 'channels', 'db', 'domain', 'lib', 'api'].includes(folder) ? [onlyActivitiesUseActivityContext] : []),
            ...(folder === 'activities' ? [{ group: ['@temporalio/workflow'], message: 'Activities must not import @temporalio/workflow.' }] : []),
          ],
        },
      ],
    },
  }));

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.tools/**', 'coverage/**', 'db/migrations/.snapshot*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // API clients reading JSON answers (tests, demo, benchmarks, recording histories, and their client in scripts/lib)
    files: ['test/**/*.ts', 'scripts/demo.ts', 'scripts/bench/**/*.ts', 'scripts/lib/api-client.ts', 'scripts/lib/sample-application.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  ...layerRules,
  {
    // CommonJS modules the Temporal SDK require()s by path (lib/temporal-failure-converter.cjs)
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', exports: 'writable', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['workflows/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins (use an activity).' })),
          patterns: [
            ...layerPatterns('workflows'),
            { group: ['**/activities/**'], allowTypeImports: true, message: 'Workflows import activity types only: use `import type`.' },
            { group: ['@temporalio/worker', '@temporalio/client', '@temporalio/activity'], message: 'Workflow code may only use @temporalio/workflow and @temporalio/common.' },
          ],
        },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' }, { name: 'setInterval', message: 'Use a loop with sleep() from @temporalio/workflow.' }],
    },
  },
);
