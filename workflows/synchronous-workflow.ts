import type { WorkflowName } from '../contracts/batch.ts';
import { graph } from './asl/graph.ts';
import { pass } from './asl/states.ts';
import type { AslDefinition } from './asl/types.ts';
import { failureTail } from './failure-tail.ts';
import { EXPRESS_LIMIT_SECONDS } from '../contracts/timing.ts';
import { Names, recordChain } from './record-chain.ts';
import { PIPELINE_PLACEHOLDER } from './resources.ts';

export interface SynchronousWorkflow {
  workflow: WorkflowName;
  comment: string;
  /** The last state: it hands the account step's reply to the caller waiting on StartSyncExecution. */
  reply: { name: string; comment: string };
}

/** A workflow its trigger waits on: the record chain, then the reply as the execution's output. */
export function synchronousWorkflow(o: SynchronousWorkflow): AslDefinition {
  return graph(
    o.comment,
    [
      ...recordChain(o.workflow, {
        catchTo: Names.backupInput,
        catchDecodedTo: Names.backupBatchInput,
        decodeComment: 'Base64, gunzip, fan out CloudWatch Logs, parse JSON; quarantine what cannot be decoded',
        // a Pipes batch comes as Pipes cut it, up to the payload limit: nothing may be added around it
        decode: o.workflow === 'kinesis' ? { alias: true } : { parameters: { pipeline: PIPELINE_PLACEHOLDER, workflow: o.workflow, 'input.$': '$', 'execution.$': '$$.Execution.Id' } },
        then: { next: o.reply.name },
      }),
      [o.reply.name, pass(o.reply.comment, { outputPath: '$.response' }, { end: true })],
      ...failureTail(o.workflow, { decoded: true }),
    ],
    { timeoutSeconds: EXPRESS_LIMIT_SECONDS },
  );
}
