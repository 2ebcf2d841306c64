// Copies one big object over and over to the same key of an s3rver FilesystemStore (with sluice's atomic
// writes unless ATOMIC=0), until killed: test/local/s3rver-atomic-puts.test.ts kills it with SIGKILL.
import { createRequire } from 'node:module';
import { atomicPuts } from '../../local/s3rver-atomic-puts.ts';

const FilesystemStore = createRequire(import.meta.url)('s3rver/lib/stores/filesystem.js');
const store = new FilesystemStore(process.argv[2]);
if (process.env.ATOMIC !== '0') atomicPuts(store);
await store.putObject({ bucket: 'src', key: 'big.jsonl', content: Buffer.alloc(32 * 2 ** 20, 'x'), metadata: { 'content-type': 'application/x-ndjson' } });
process.stdout.write('ready\n');
for (let i = 0; ; i++) await store.copyObject('src', 'big.jsonl', 'dest', `copy-${i % 3}.jsonl`);
