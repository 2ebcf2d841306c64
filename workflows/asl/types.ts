/** The parts of the Amazon States Language (JSONPath flavour) that sluice's workflows use. */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string;
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface AslState {
  Type: 'Task' | 'Choice' | 'Wait' | 'Pass' | 'Map' | 'Fail' | 'Succeed';
  Comment?: string;
  [field: string]: unknown;
}

export interface AslDefinition {
  Comment?: string;
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  [field: string]: unknown;
}
