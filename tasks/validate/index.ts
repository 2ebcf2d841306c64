import type { Batch } from '../../contracts/batch.ts';
import { step } from '../shared/body.ts';
import type { TaskContext } from '../shared/context.ts';
import { pipelineOf } from '../shared/pipeline.ts';
import { validators } from './schemas.ts';
import { validateBody } from './validate.ts';

/** The validate task. */
export function validate(input: unknown, ctx: TaskContext): Promise<Batch> {
  return step(input, 'validate input', ctx, (body, batch) =>
    validateBody(body, pipelineOf(ctx.config, batch.pipeline).validation, validators(ctx.config)),
  );
}
