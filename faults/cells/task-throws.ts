import { LocalEngine } from '../../local/engine.ts';
import { openStack } from '../../test/e2e/harness.ts';
import { audit } from '../audit.ts';
import type { Cell } from '../cell.ts';
import { redriveAll, runAll, summary } from '../executions.ts';
import { pipesBatches } from '../generate.ts';

const PIPELINE = 's4-events-raw';

/**
 * S4 raw: Pipes batches of 500 business events (each from a shard of its own) through an engine whose
 * configuration has a schema that does not compile: the validate task throws for every batch. Then the
 * ledger is redriven on the stack with the good configuration (the deployment fixed).
 */
export const taskThrowsCell: Cell = {
  name: 'task-throws',
  async run(records, progress) {
    const h = await openStack();
    const { stack } = h;
    try {
      // `type: "nonsense"` is no JSON type: Ajv refuses to compile the schema, and validate throws
      const broken = { ...stack.config, schemas: { ...stack.config.schemas, transaction: { type: 'nonsense' } } };
      const brokenEngine = new LocalEngine({ ...stack.ctx, config: broken }, { skipWaits: true });
      const batches = pipesBatches(taskThrowsCell.name, records);
      progress.phase('stack', `${batches.length} Pipes batches; schema "transaction" broken`);
      const results = await runAll(batches, (batch) => brokenEngine.run('kinesis', PIPELINE, batch), 2);
      progress.phase('run', `${summary(results)} (${results[0]?.cause?.slice(0, 80) ?? ''})`);
      const { text } = await redriveAll(stack);
      progress.phase('redrive', `configuration fixed; ${text}`);
      const figures = await audit(stack, PIPELINE, taskThrowsCell.name, records);
      progress.phase('audit', [figures.seen, ...figures.notes].join('; '));
      return figures;
    } finally {
      await h.stop();
    }
  },
};
