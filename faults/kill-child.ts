/**
 * The run the kill-9 cell kills: `node --import tsx faults/kill-child.ts DATA_DIR RECORDS CELL PIPELINE`.
 * Opens the embedded stack on DATA_DIR (objects, ledger and stream kept there), puts RECORDS tagged
 * business events on the pipeline's Kinesis stream and drains it as the Pipe would, in batches of 500.
 * Tells stderr `put` once the records are on the stream and `deliver` each time an execution enters
 * its deliver step, so that the parent can kill it mid-way.
 */
import { defaultConfig } from '../config/default.ts';
import { drainStream, putRecords } from '../local/sources/kinesis-pipe.ts';
import { startStack } from '../local/stack.ts';
import { Names } from '../workflows/record-chain.ts';
import { taggedLines } from './generate.ts';

const [dataDir, records, cell, pipeline] = process.argv.slice(2);
if (!dataDir || !records || !cell || !pipeline) throw new Error('usage: kill-child.ts DATA_DIR RECORDS CELL PIPELINE');
const stack = await startStack(defaultConfig, { skipWaits: true, dataDir });
await putRecords(stack, pipeline, taggedLines(cell, Number(records)));
process.stderr.write('put\n');
await drainStream(stack, pipeline, 500, (event) => {
  if (event.type === 'StateEntered' && event.state?.name === Names.deliver) process.stderr.write('deliver\n');
});
process.stderr.write('drained\n');
await stack.stop();
