import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { SluiceConfig } from '../../contracts/config.ts';
import { EXPRESS_LIMIT_SECONDS } from '../../contracts/timing.ts';
import { grantObjects } from '../grants.ts';
import type { Ledger } from './ledger.ts';
import type { Storage } from './storage.ts';
import { TaskFunction } from './task-function.ts';

export interface SweepProps {
  config: SluiceConfig;
  environment: Record<string, string>;
  storage: Storage;
  ledger: Ledger;
  stateMachines: Record<string, sfn.IStateMachine>;
}

/**
 * The scheduled sweep: Express executions leave no status to poll, so every five minutes the ledger's
 * STARTED rows older than an execution can run are started again from their kept input.
 */
export class Sweep extends Construct {
  readonly function: TaskFunction['function'];

  constructor(scope: Construct, id: string, props: SweepProps) {
    super(scope, id);
    const made = new TaskFunction(this, 'Function', {
      entry: 'redrive/sweep.ts',
      config: props.config,
      environment: {
        ...props.environment,
        SLUICE_STATE_MACHINES: JSON.stringify(Object.fromEntries(Object.entries(props.stateMachines).map(([name, machine]) => [name, machine.stateMachineArn]))),
      },
      description: 'sluice sweep: executions still STARTED past the Express limit are started again from their kept input',
      // a redriven synchronous execution may take the whole Express limit
      timeoutSeconds: EXPRESS_LIMIT_SECONDS * 2,
    });
    this.function = made.function;
    // rows by status and claims by shard (the indexes), a redriven row read back and rewritten
    props.ledger.table.grant(made.function, 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    // kept inputs: read to start again, let go once a batch is superseded
    grantObjects(props.storage.backup, made.function, ['s3:GetObject', 's3:DeleteObject']);
    grantObjects(props.storage.work, made.function, ['s3:PutObject']);
    for (const machine of Object.values(props.stateMachines)) machine.grant(made.function, 'states:StartExecution', 'states:StartSyncExecution');
    new events.Rule(this, 'Schedule', {
      description: 'sluice: find executions that never finished',
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [new targets.LambdaFunction(made.function, { retryAttempts: 2 })],
    });
  }
}
