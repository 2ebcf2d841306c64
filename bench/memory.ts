import { defaultConfig } from '../config/default.ts';
import { startStack } from '../local/stack.ts';
import { objectThroughput } from './e2e.ts';

/**
 * Child process of `npm run bench`: one object of argv[2] MB through the s3 workflow, under a heap cap
 * set by the parent (as a Lambda's memory size would be), so that peak RSS shows live memory rather than
 * how lazily V8 collects. Prints its figures as JSON.
 */
const mb = Number(process.argv[2]);
const stack = await startStack(defaultConfig, { skipWaits: true });
try {
  const result = await objectThroughput(stack, 's4-events-processed', mb * 2 ** 20, (lines) => process.stderr.write(`memory: ${lines.toLocaleString('en-US')} lines (${mb} MB) through the s3 workflow …\n`));
  console.log(JSON.stringify(result));
} finally {
  await stack.stop();
}
