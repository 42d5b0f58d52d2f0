import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'
import globals from 'globals'
import layering from './eslint/layering.mjs'

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'resources/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } }
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off'
    }
  },
  {
    // The renderer is untrusted UI code: it reaches main only through the typed bridge.
    files: ['src/renderer/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['electron', 'node:*', '../../main/*', '**/main/**'] }]
    }
  },
  {
    // Components and views show; stores act. Only a store calls the bridge (docs/architecture.md, renderer).
    files: [
      'src/renderer/src/components/**/*.vue',
      'src/renderer/src/views/**/*.vue',
      'src/renderer/src/App.vue'
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'node:*', '../../main/*', '**/main/**'] },
            {
              regex: '(^|/)bridge(/(index|ws-transport))?$',
              message:
                'components and views call store actions; only stores call the bridge (docs/architecture.md)'
            }
          ]
        }
      ]
    }
  },
  {
    // The Electron boundary: only the thin shell may import electron. Everything else in main runs in plain
    // Node too (the CLI, the tests, the benchmarks), so it must not even load it.
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/index.ts', 'src/main/shell/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only src/main/index.ts and src/main/shell/** may import electron.'
            },
            {
              name: 'electron-store',
              message: 'Only src/main/index.ts and src/main/shell/** may import electron-store.'
            }
          ],
          patterns: [
            {
              group: ['electron/*'],
              message: 'Only src/main/index.ts and src/main/shell/** may import electron.'
            },
            {
              // The shell is thin: it imports the services layer, never the other way round.
              group: ['**/shell', '**/shell/*'],
              message: 'Only src/main/index.ts imports src/main/shell/**; the services layer does not.'
            }
          ]
        }
      ]
    }
  },
  {
    // The layer order of src/main: each folder imports only from the layers beneath it (eslint/layering.mjs).
    files: ['src/main/**/*.ts'],
    plugins: { local: layering },
    rules: { 'local/layering': 'error' }
  },
  {
    // Shared code runs in the sandboxed renderer as well as in main: no Node and no Electron.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['electron', 'electron/*', 'node:*', '**/main/**', '**/renderer/**'] }
      ]
    }
  },
  {
    // Plain CommonJS run by Node directly: the npm bin shim, the single executable's main script, the
    // probe the single-executable test preloads into it, and the benchmark's receive-floor child.
    files: ['bin/*.js', 'packaging/*.cjs', 'test/packaging/*.cjs', 'bench/import/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  prettier
)
