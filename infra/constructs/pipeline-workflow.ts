import { RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { MachineName } from '../../contracts/batch.ts';
import type { LogLevel } from '../../contracts/config.ts';
import { executionLogGroupName } from '../../contracts/deployment.ts';
import { renderAsl, workflows } from '../../workflows/index.ts';
import { TASKS } from '../../contracts/timing.ts';
import { functionArnKey, PIPELINE_KEY, pipelineResourceOf } from '../../workflows/resources.ts';
import { chunkWorkflowName, workflowName } from '../physical-names.ts';
import type { TaskFunctions } from './task-functions.ts';

export interface PipelineWorkflowProps {
  pipeline: string;
  workflow: MachineName;
  functions: TaskFunctions;
  logLevel: LogLevel;
}

/**
 * One Express state machine per pipeline, from exactly the ASL `sluice asl` renders: the definition is
 * the generated text, with the task ARNs and the pipeline name as definitionSubstitutions. Logged at the
 * pipeline's `logLevel` (ALL with execution data unless configured: every execution visible in the
 * console); X-Ray on.
 */
export class PipelineWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: PipelineWorkflowProps) {
    super(scope, id);
    const name = props.workflow === 's3-chunk' ? chunkWorkflowName(this, props.pipeline) : workflowName(this, props.pipeline);
    const logGroup = new logs.LogGroup(this, 'Executions', {
      logGroupName: executionLogGroupName(name),
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const substitutions: Record<string, string> = { [PIPELINE_KEY]: props.pipeline };
    for (const task of TASKS) substitutions[functionArnKey(task)] = props.functions.byTask[task].functionArn;
    const asl = renderAsl(workflows[props.workflow]);
    // a state that calls its function under the pipeline's alias (decode, handed a Pipes batch bare): the alias
    // names the pipeline, on the function's current version (the grants below cover qualified ARNs)
    const aliases = TASKS.filter((task) => asl.includes(JSON.stringify(pipelineResourceOf(task)))).map(
      (task) => new lambda.Alias(this, `${functionArnKey(task)}Alias`, { aliasName: props.pipeline, version: props.functions.byTask[task].currentVersion }),
    );
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: name,
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromString(asl),
      definitionSubstitutions: substitutions,
      // execution data goes with ALL only: at ERROR a failed execution's events say what failed, not the batch
      logs: { destination: logGroup, level: sfn.LogLevel[props.logLevel], includeExecutionData: props.logLevel === 'ALL' },
      tracingEnabled: true,
    });
    // the definition names an alias only in a substituted string: the machine (and the Pipe after it) goes live once it exists
    for (const alias of aliases) this.stateMachine.node.addDependency(alias);
    // the state machine may invoke its task functions and nothing else
    for (const task of TASKS) props.functions.byTask[task].grantInvoke(this.stateMachine);
  }
}
