import type { TaskObserver } from '../../local/engine.ts';
import type { TaskContext } from '../../tasks/shared/context.ts';

/** One AWS request as IAM sees it: who made it, the action, and the bucket or table (an index as `table/index/name`). */
export interface Request {
  who: string;
  action: string;
  resource: string;
}

type Input = Record<string, any>;

/** The IAM actions an SDK v3 command needs, by command class (S3, and DynamoDB through lib-dynamodb); an unknown one fails the test that sees it. */
const ACTIONS: Record<string, (input: Input) => { action: string; resource: string }[]> = {
  PutObjectCommand: (i) => [{ action: 's3:PutObject', resource: i.Bucket }],
  // a read of one version of an object is another action (the raw bucket is versioned: its events name the version)
  GetObjectCommand: (i) => [{ action: i.VersionId ? 's3:GetObjectVersion' : 's3:GetObject', resource: i.Bucket }],
  HeadObjectCommand: (i) => [{ action: i.VersionId ? 's3:GetObjectVersion' : 's3:GetObject', resource: i.Bucket }],
  DeleteObjectCommand: (i) => [{ action: 's3:DeleteObject', resource: i.Bucket }],
  ListObjectsV2Command: (i) => [{ action: 's3:ListBucket', resource: i.Bucket }],
  CopyObjectCommand: (i) => [
    { action: 's3:GetObject', resource: String(i.CopySource).replace(/^\//, '').split('/')[0]! },
    { action: 's3:PutObject', resource: i.Bucket },
  ],
  CreateMultipartUploadCommand: (i) => [{ action: 's3:PutObject', resource: i.Bucket }],
  UploadPartCommand: (i) => [{ action: 's3:PutObject', resource: i.Bucket }],
  CompleteMultipartUploadCommand: (i) => [{ action: 's3:PutObject', resource: i.Bucket }],
  AbortMultipartUploadCommand: (i) => [{ action: 's3:AbortMultipartUpload', resource: i.Bucket }],
  PutCommand: (i) => [{ action: 'dynamodb:PutItem', resource: i.TableName }],
  GetCommand: (i) => [{ action: 'dynamodb:GetItem', resource: i.TableName }],
  UpdateCommand: (i) => [{ action: 'dynamodb:UpdateItem', resource: i.TableName }],
  DeleteCommand: (i) => [{ action: 'dynamodb:DeleteItem', resource: i.TableName }],
  QueryCommand: (i) => [{ action: 'dynamodb:Query', resource: i.IndexName ? `${i.TableName}/index/${i.IndexName}` : i.TableName }],
  ScanCommand: (i) => [{ action: 'dynamodb:Scan', resource: i.IndexName ? `${i.TableName}/index/${i.IndexName}` : i.TableName }],
  // the low-level client's, which the DynamoDB sink sends (its items are attribute values already)
  PutItemCommand: (i) => [{ action: 'dynamodb:PutItem', resource: i.TableName }],
  BatchWriteItemCommand: (i) => Object.keys(i.RequestItems).map((table) => ({ action: 'dynamodb:BatchWriteItem', resource: table })),
};

function recordingClient<C extends { send: (...args: never[]) => Promise<unknown> }>(client: C, add: (request: Omit<Request, 'who'>) => void): C {
  const send = (command: { constructor: { name: string }; input: Input }, ...rest: unknown[]) => {
    const actions = ACTIONS[command.constructor.name];
    if (actions) for (const request of actions(command.input)) add(request);
    else add({ action: `unknown:${command.constructor.name}`, resource: '?' });
    return (client.send as (...a: unknown[]) => Promise<unknown>)(command, ...rest);
  };
  return Object.create(client, { send: { value: send } }) as C;
}

/**
 * Records every AWS request a task makes, as the task's Lambda would make it on AWS: its S3 and DynamoDB
 * commands, its claim checks (the work bucket there, memory here), chunk starts (StartExecution), the
 * Firehose put-back and the alert topic. What the role of the Lambda must allow, measured, not guessed.
 */
export class RequestRecorder implements TaskObserver {
  readonly requests: Request[] = [];

  task<T>(task: string, ctx: TaskContext, run: (ctx: TaskContext) => Promise<T>): Promise<T> {
    return run(this.context(task, ctx));
  }

  /** The context `who` runs with: its requests are recorded. */
  context(who: string, ctx: TaskContext): TaskContext {
    const add = (request: Omit<Request, 'who'>) => this.requests.push({ who, ...request });
    const { claims, startChunk, reingest, alert } = ctx;
    return {
      ...ctx,
      s3: recordingClient(ctx.s3, add),
      ddb: recordingClient(ctx.ddb, add),
      ...(claims
        ? {
            claims: {
              put: (ref, value) => (add({ action: 's3:PutObject', resource: ref.bucket }), claims.put(ref, value)),
              get: (ref) => (add({ action: 's3:GetObject', resource: ref.bucket }), claims.get(ref)),
              // a value the engine kept in process is a GetObject on AWS all the same
              kept: (ref) => {
                const value = claims.kept?.(ref);
                if (value !== undefined) add({ action: 's3:GetObject', resource: ref.bucket });
                return value;
              },
            },
          }
        : {}),
      ...(startChunk ? { startChunk: (chunk, name) => (add({ action: 'states:StartExecution', resource: `${chunk.pipeline}-chunks` }), startChunk(chunk, name)) } : {}),
      ...(reingest ? { reingest: (stream, records) => (add({ action: 'firehose:PutRecordBatch', resource: stream }), reingest(stream, records)) } : {}),
      ...(alert ? { alert: (message) => (add({ action: 'sns:Publish', resource: 'alerts' }), alert(message)) } : {}),
    };
  }

  /** Each `who action resource` once, sorted. */
  distinct(): string[] {
    return [...new Set(this.requests.map((r) => `${r.who} ${r.action} ${r.resource}`))].sort();
  }
}
