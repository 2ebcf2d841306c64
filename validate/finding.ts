import type { FindingId } from './rule-ids.ts';

/** One thing `sluice validate` says about a definition: which rule, how bad, where, and what to change. */
export interface Finding {
  rule: FindingId;
  severity: 'error' | 'warning';
  state: string;
  message: string;
}

export type MachineType = 'EXPRESS' | 'STANDARD';

/** A state machine to check: where it came from, its definition (placeholders as written) and its type. */
export interface Definition {
  file: string;
  /** The resource in a template, or nothing for an ASL file. */
  name?: string;
  /** The definition's text: the ASL file, or the definition a template's machine holds. */
  text: string;
  /** A template's own text, where annotations point (the definition is in it, its quotes escaped when a string). */
  template?: string;
  definition: Record<string, unknown>;
  type: MachineType;
  /** An ASL file checked as STANDARD because nothing said its type (no --type, not one of sluice's own). */
  typeAssumed?: boolean;
}
