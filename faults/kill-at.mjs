// A preload for `sluice start` (node --import faults/kill-at.mjs bin/sluice.mjs start …) that kills the
// process with SIGKILL at an exact point of a batch's account step, just before an AWS SDK call is sent:
//   SLUICE_KILL_AT=claim:<pipeline>   before the Nth claim a batch of <pipeline> writes in the shard index
//   SLUICE_KILL_AT=copy:<bucket>      before the Nth CopyObject into <bucket> (a lake commit)
//   SLUICE_KILL_NTH=N                 (default 1)
import { createRequire } from 'node:module';

const [what, target] = (process.env.SLUICE_KILL_AT ?? '').split(':');
const nth = Number(process.env.SLUICE_KILL_NTH ?? '1');
if (what) {
  const { Client } = createRequire(import.meta.url)('@smithy/core/client');
  const send = Client.prototype.send;
  let seen = 0;
  Client.prototype.send = function (command, ...rest) {
    const input = command?.input ?? {};
    const hit =
      (what === 'claim' && typeof input.Item?.batchId === 'string' && input.Item.batchId.endsWith('#delivered') && String(input.Item.shardKey).startsWith(`${target}/`)) ||
      (what === 'copy' && command?.constructor?.name === 'CopyObjectCommand' && input.Bucket === target);
    if (hit && ++seen === nth) {
      process.stderr.write(`kill-at: SIGKILL before ${what} ${target} #${nth}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
    return send.call(this, command, ...rest);
  };
}
