import type { PipesKinesisRecord } from '../../contracts/pipes-kinesis.ts';
import { LocalEngine } from '../../local/engine.ts';
import type { ExecutionResult } from '../../local/engine.ts';
import { ledgerRefusingOnce } from '../../test/doubles/ledger-refusing-once.ts';
import { configWith, openStack } from '../../test/e2e/harness.ts';
import { audit } from '../audit.ts';
import type { Cell } from '../cell.ts';
import { redriveAll, runAll, summary } from '../executions.ts';
import { pipesBatches } from '../generate.ts';

const PIPELINE = 's3-events-to-archive';

/**
 * S3 system: Pipes batches of 500 business events into DynamoDB and the lake (`archive/`). Each batch's
 * execution fails after delivery (its ledger row refused once), and the Pipe, as with AUTOMATIC_BISECT,
 * hands the same records over again as two halves; then the ledger is redriven.
 */
export const bisectionCell: Cell = {
  name: 'pipes-bisection',
  async run(records, progress) {
    const h = await openStack(configWith((config) => void (config.pipelines[PIPELINE]!.retryDurationSeconds = 10)));
    const { stack } = h;
    try {
      const batches = pipesBatches(bisectionCell.name, records);
      progress.phase('stack', `${batches.length} Pipes batches; each batch's final ledger row refused once`);
      const halves: PipesKinesisRecord[][] = [];
      const wholes = await runAll(batches, async (batch) => {
        const result = await new LocalEngine({ ...stack.ctx, ddb: ledgerRefusingOnce(stack.ctx.ddb).ddb }, { skipWaits: true }).run('kinesis', PIPELINE, batch);
        if (result.status !== 'SUCCEEDED') halves.push(batch.slice(0, batch.length >> 1), batch.slice(batch.length >> 1));
        return result;
      }, 2);
      progress.phase('run', `whole batches: ${summary(wholes)}`);
      const retried: ExecutionResult[] = await runAll(halves, (half) => stack.run('kinesis', PIPELINE, half), 2);
      // where things stand before the redrive: what the Pipe alone left in the sinks
      const before = await audit(stack, PIPELINE, bisectionCell.name, records);
      progress.phase('bisect', `halves: ${summary(retried)}; before redrive: in=${before.in} lost=${before.lost} duplicates=${before.duplicates}`);
      const { text } = await redriveAll(stack);
      progress.phase('redrive', text);
      const figures = await audit(stack, PIPELINE, bisectionCell.name, records);
      progress.phase('audit', [figures.seen, ...figures.notes].join('; '));
      return figures;
    } finally {
      await h.stop();
    }
  },
};
