// The servers' thread starts here: a worker thread gets none of its parent's loaders, so tsx is registered again.
import { register } from 'tsx/esm/api';

register();
await import('./servers-thread.ts');
