/** A V8 CPU profile's frames: where each function lives, and who owns its time. */
export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `name package-or-file:line`: where a function lives, short enough for a line of the bench. */
export function placeOf(frame: ProfileNode['callFrame']): string {
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1];
  const file = module ?? (frame.url ? frame.url.split('/').slice(-2).join('/') : '');
  return `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
}

/** Who owns a frame's time, by where its code lives; undefined: ask its caller (built-ins, Node's own modules). */
const OWNERS: [RegExp, string][] = [
  [/node_modules\/aws-local-stepfunctions\//, 'engine'],
  [/node_modules\/(s3rver|koa[a-z-]*|@koa|xml2js|xmlbuilder|busboy|fs-extra|graceful-fs)\//, 's3rver'],
  [/node_modules\/(dynalite|[a-z-]*level[a-z-]*|lock|once|async|big\.js)\//, 'dynalite'],
  [/node_modules\/(@aws-sdk|@smithy|fast-xml-parser)\//, 'sdk'],
  [/tasks\/shared\/claim-check\.ts/, 'claimChecks'],
  [/tasks\/(decode|validate|enrich|deliver|backup|account)\//, '$1'],
  [/node_modules\/(io-ts|fp-ts)\//, 'io-ts'],
  [/\/(tasks|contracts)\//, 'tasks (shared)'],
  [/\/local\//, 'local engine'],
  [/node_modules\/(ajv|ajv-formats)\//, 'ajv'],
];
const SPECIAL = new Set(['(garbage collector)', '(idle)', '(program)']);

export function ownerOf(node: ProfileNode, parent: Map<number, ProfileNode>): string {
  if (SPECIAL.has(node.callFrame.functionName)) return node.callFrame.functionName.slice(1, -1);
  for (let at: ProfileNode | undefined = node; at; at = parent.get(at.id)) {
    for (const [pattern, owner] of OWNERS) {
      const match = pattern.exec(at.callFrame.url);
      if (match) return owner.replace('$1', match[1] ?? '');
    }
  }
  return 'other';
}
