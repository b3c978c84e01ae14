import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One DynamoDB Local for the whole run (test/global-setup.ts); each suite uses its own table prefix.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    allowOnly: false,
    // The Lambda bundles under test (embedded/bundles.ts copies them to <tmp>/fangpin-bundles-*) run on Node's own
    // loader, as on Lambda: not transformed by Vite, their imports not resolved by it.
    server: { deps: { external: [/\/fangpin-bundles-[^/]+\//] } },
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', FANGPIN_LOG_LEVEL: 'ERROR' },
  },
});
