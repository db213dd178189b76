// typescript-eslint's recommended rules over the sources, tests, fixtures and scripts; formatting is
// prettier's (.prettierrc.json). `npm run lint` runs both, and .ci/run runs `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // A verifier of hostile text matches control characters on purpose (escaping, strict formats).
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
