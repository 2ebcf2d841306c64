import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'sluice-inspect-aws-'));
/** No region, no credentials anywhere the SDK looks. */
const bare: NodeJS.ProcessEnv = { ...process.env, AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), AWS_EC2_METADATA_DISABLED: 'true' };
for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete bare[name];
const sluice = (env: NodeJS.ProcessEnv, ...args: string[]) => spawnSync(process.execPath, ['bin/sluice.mjs', 'inspect', '--aws', ...args], { encoding: 'utf8', env, timeout: 60_000 });

describe('sluice inspect --aws', () => {
  it('without a region or credentials says which is missing, in one line, exit 2', () => {
    const noRegion = sluice(bare);
    expect([noRegion.status, noRegion.stderr.trim()]).toStrictEqual([2, 'sluice: inspect --aws: no AWS region: set AWS_REGION or give your AWS profile a region']);
    const noCredentials = sluice(bare, '--region', 'eu-west-1');
    expect(noCredentials.status).toBe(2);
    expect(noCredentials.stderr.trim()).toMatch(/^sluice: inspect --aws: no AWS credentials \(.+\): set AWS_PROFILE or AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY$/);
    expect(noCredentials.stdout).toBe('');
  });

  it('refuses a --since it cannot read', () => {
    expect(sluice(bare, '--since', '3 hours')).toMatchObject({ status: 2, stderr: 'sluice: inspect: --since takes a time back such as 30m, 3h or 2d, got 3 hours\n' });
  });
});
