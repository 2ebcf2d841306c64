import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // the end-to-end files each start their own s3rver and dynalite; two cores, two at a time
    maxWorkers: 2,
    // the local engine checks that what it hands on in process is what AWS would hand on (local/memory-claims.ts)
    env: { SLUICE_CHECK_CLAIMS: '1' },
  },
});
