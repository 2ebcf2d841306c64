import type { WorkflowName } from '../contracts/batch.ts';
import type { SluiceConfig } from '../contracts/config.ts';
import { CliError } from './errors.ts';

/** The pipeline a run uses: the one named, or the only one of that workflow. */
export function pipelineFor(config: SluiceConfig, workflow: WorkflowName, named: string | undefined): string {
  const candidates = Object.entries(config.pipelines)
    .filter(([, pipeline]) => pipeline.workflow === workflow)
    .map(([name]) => name);
  if (named !== undefined) {
    if (!config.pipelines[named]) throw new CliError(`run: no pipeline named "${named}" (known: ${Object.keys(config.pipelines).join(', ')})`);
    if (!candidates.includes(named)) throw new CliError(`run: pipeline "${named}" runs the ${config.pipelines[named]!.workflow} workflow, not ${workflow}`);
    return named;
  }
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new CliError(`run: no pipeline in the configuration runs the ${workflow} workflow`);
  throw new CliError(`run: several pipelines run the ${workflow} workflow; choose one with --pipeline (${candidates.join(', ')})`);
}
