import type { MachineName } from '../contracts/batch.ts';
import type { AslDefinition } from './asl/types.ts';
import { firehoseWorkflow } from './firehose.ts';
import { kinesisWorkflow } from './kinesis.ts';
import { s3ChunkWorkflow } from './s3-chunk.ts';
import { s3Workflow } from './s3.ts';

/** Every workflow sluice ships, by name. */
export const workflows: Record<MachineName, AslDefinition> = {
  kinesis: kinesisWorkflow,
  s3: s3Workflow,
  's3-chunk': s3ChunkWorkflow,
  firehose: firehoseWorkflow,
};

/** The ASL JSON text of a workflow: the single artifact both CDK and the local engine run. */
export const renderAsl = (definition: AslDefinition): string => `${JSON.stringify(definition, null, 2)}\n`;
