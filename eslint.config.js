import gts from 'gts';

export default [
  {ignores: ['build/', 'node_modules/', 'test-results/', 'results/']},
  ...gts,
  {files: ['eslint.config.js'], languageOptions: {sourceType: 'module'}},
  {
    files: ['**/*.ts'],
    rules: {
      // node:test's describe/it return promises the runner awaits itself.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite'],
            },
          ],
        },
      ],
    },
  },
];
