import type { AslState, Catcher, Json, Retrier } from './types.ts';

/** Where a state goes next: the name of the next state, or the end of the (sub-)workflow. */
export type Transition = { next: string } | { end: true };

const transition = (to: Transition) => ('next' in to ? { Next: to.next } : { End: true });

export interface TaskOptions {
  comment: string;
  resource: string;
  parameters?: Record<string, Json>;
  resultPath?: string;
  timeoutSeconds?: number;
  retry: Retrier[];
  catch?: Catcher[];
}

export const task = (o: TaskOptions, to: Transition): AslState => ({
  Type: 'Task',
  Comment: o.comment,
  Resource: o.resource,
  ...(o.parameters ? { Parameters: o.parameters } : {}),
  ...(o.resultPath ? { ResultPath: o.resultPath } : {}),
  ...(o.timeoutSeconds ? { TimeoutSeconds: o.timeoutSeconds } : {}),
  Retry: o.retry,
  ...(o.catch ? { Catch: o.catch } : {}),
  ...transition(to),
});

export interface ChoiceRule {
  rule: Record<string, Json>;
  next: string;
}

export const choice = (comment: string, rules: ChoiceRule[], otherwise: string): AslState => ({
  Type: 'Choice',
  Comment: comment,
  Choices: rules.map(({ rule, next }) => ({ ...rule, Next: next })),
  Default: otherwise,
});

export const waitFor = (comment: string, secondsPath: string, to: Transition): AslState => ({
  Type: 'Wait',
  Comment: comment,
  SecondsPath: secondsPath,
  ...transition(to),
});

export const pass = (comment: string, fields: { outputPath?: string; parameters?: Record<string, Json> }, to: Transition): AslState => ({
  Type: 'Pass',
  Comment: comment,
  ...(fields.parameters ? { Parameters: fields.parameters } : {}),
  ...(fields.outputPath ? { OutputPath: fields.outputPath } : {}),
  ...transition(to),
});

export const fail = (comment: string, errorPath: string, causePath: string): AslState => ({
  Type: 'Fail',
  Comment: comment,
  ErrorPath: errorPath,
  CausePath: causePath,
});
