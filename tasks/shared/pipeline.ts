import type { PipelineConfig, SluiceConfig } from '../../contracts/config.ts';
import { ContractError } from '../../contracts/decode.ts';

/** The named pipeline of the configuration, checked against the workflow that runs it. */
export function pipelineOf(config: SluiceConfig, name: string, workflow?: string): PipelineConfig {
  const pipeline = config.pipelines[name];
  if (!pipeline) {
    throw new ContractError('pipeline', [`no pipeline named "${name}" (known: ${Object.keys(config.pipelines).join(', ')})`]);
  }
  if (workflow !== undefined && pipeline.workflow !== workflow) {
    throw new ContractError('pipeline', [`pipeline "${name}" runs the ${pipeline.workflow} workflow, not ${workflow}`]);
  }
  return pipeline;
}
