import { createRequire } from 'node:module';

interface Context {
  method: string;
  path: string;
  get(header: string): string;
}
type Middleware = (ctx: Context, next: () => Promise<unknown>) => Promise<unknown>;
interface S3rverApp {
  middleware: Middleware[];
  store: { existsObject(bucket: string, key: string): Promise<boolean> };
}

const S3Error = createRequire(import.meta.url)('s3rver/lib/models/error.js') as new (code: string, message: string, detail?: Record<string, string>) => Error;

/**
 * S3's conditional writes: a PutObject or CopyObject with `If-None-Match: *` writes only where the key
 * holds no object, else 412 PreconditionFailed, and two at once write one. s3rver ignores the header and
 * writes. sluice copies the objects that start a workflow (seed S4's raw ones) that way: where a commit is
 * finished twice at once (its holder, slowed past its lease, and the batch that took the lock over), a
 * look first (HEAD) then a copy let both write, and in a versioned bucket the second version's event put
 * the same lines through the s3 workflow again, under new record ids.
 *
 * Conditional writes of one key are answered one after the other here, so the check and the write are one
 * step for them. Added just before s3rver's router (after its path-style and virtual-host handling), so a
 * refusal is answered as its own errors are.
 */
export function conditionalWrites(s3rver: S3rverApp): void {
  const writing = new Map<string, Promise<unknown>>();
  const conditional: Middleware = async (ctx, next) => {
    if (ctx.method !== 'PUT' || ctx.get('if-none-match') !== '*') return next();
    const [, bucket = '', ...rest] = ctx.path.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (!key) return next();
    const id = `${bucket}/${key}`;
    const before = writing.get(id);
    const mine = (async () => {
      await before?.catch(() => undefined);
      if (await s3rver.store.existsObject(bucket, key)) throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-None-Match' });
      return next();
    })();
    writing.set(id, mine);
    try {
      return await mine;
    } finally {
      if (writing.get(id) === mine) writing.delete(id);
    }
  };
  s3rver.middleware.splice(s3rver.middleware.length - 1, 0, conditional);
}
