import { PutObjectCommand } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Fixture } from '../contracts/fixture.ts';
import { getBytes } from '../tasks/shared/s3-objects.ts';
import type { ExecutionResult } from './engine.ts';
import { objectCreatedFor } from './s3-events.ts';
import type { LocalStack } from './stack.ts';
import { asStarted } from './trigger-input.ts';

/** What a fixture's run came to, in the shape of its expectation. */
export interface Actual {
  status: string;
  counts: Record<string, number>;
  quarantined: Record<string, number>;
  outputs: Record<string, number>;
  error?: string;
}

/** Quarantined records per reason, read from the quarantine objects the run wrote (`errors/…/<reason>/…`). */
async function quarantineReasons(stack: LocalStack, result: ExecutionResult): Promise<Record<string, number>> {
  const bucket = stack.config.buckets.backup;
  const reasons: Record<string, number> = {};
  for (const place of result.account?.outputs.backup ?? []) {
    if (!place.startsWith(`s3://${bucket}/errors/`)) continue;
    const text = Buffer.from(await getBytes(stack.ctx, bucket, place.slice(`s3://${bucket}/`.length))).toString('utf8');
    for (const line of text.split('\n').filter(Boolean)) {
      const record = JSON.parse(line) as { errorCode: string; pendingSinks?: unknown };
      if (record.pendingSinks === undefined) reasons[record.errorCode] = (reasons[record.errorCode] ?? 0) + 1;
    }
  }
  return reasons;
}

/** Runs one fixture (file `path`) on the embedded stack. */
export async function runFixture(stack: LocalStack, fixture: Fixture, path: string): Promise<Actual> {
  const pipeline = stack.config.pipelines[fixture.pipeline];
  if (!pipeline) throw new Error(`${path}: no pipeline named "${fixture.pipeline}"`);
  const near = (file: string) => resolve(dirname(path), file);
  let input = fixture.input;
  if (fixture.inputFile) input = JSON.parse(await readFile(near(fixture.inputFile), 'utf8'));
  if (fixture.object) {
    const bucket = pipeline.trigger?.bucket ?? stack.config.buckets.raw;
    const key = `${pipeline.trigger?.prefix ?? 'uploads/'}${basename(fixture.object)}`;
    const body = await readFile(near(fixture.object));
    const { ETag } = await stack.servers.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    input = objectCreatedFor(bucket, key, body.length, ETag);
  }
  if (input === undefined) throw new Error(`${path}: give "input", "inputFile" or "object"`);
  const result = await stack.run(pipeline.workflow, fixture.pipeline, await asStarted(pipeline.workflow, input, stack.ctx));
  const counts = result.account?.counts ?? {};
  return {
    status: result.status,
    counts: Object.fromEntries(['in', 'delivered', 'quarantined', 'dropped', 'backedUp'].map((key) => [key, (counts as Record<string, number>)[key] ?? 0])),
    quarantined: await quarantineReasons(stack, result),
    outputs: Object.fromEntries(Object.entries(result.account?.outputs ?? {}).map(([sink, places]) => [sink, places.length])),
    ...(result.error ? { error: result.error } : {}),
  };
}

/** Where actual and expected differ: one line each, `field: expected X, got Y`. Only what the fixture states is compared. */
export function differences(expected: Fixture['expect'], actual: Actual): string[] {
  const lines: string[] = [];
  const compare = (field: string, want: unknown, got: unknown) => {
    if (want !== undefined && JSON.stringify(want) !== JSON.stringify(got ?? (typeof want === 'number' ? 0 : undefined))) lines.push(`${field}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  };
  compare('status', expected.status, actual.status);
  compare('error', expected.error, actual.error);
  for (const [key, want] of Object.entries(expected.counts ?? {})) compare(`counts.${key}`, want, actual.counts[key]);
  if (expected.quarantined) {
    for (const reason of new Set([...Object.keys(expected.quarantined), ...Object.keys(actual.quarantined)])) compare(`quarantined.${reason}`, expected.quarantined[reason] ?? 0, actual.quarantined[reason] ?? 0);
  }
  for (const [sink, want] of Object.entries(expected.outputs ?? {})) compare(`outputs.${sink}`, want, actual.outputs[sink] ?? 0);
  return lines;
}
