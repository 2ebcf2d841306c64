// A preload for `sluice start` (node --import faults/kill-at.mjs bin/sluice.mjs start …) that kills the
// process with SIGKILL at an exact point, just before an AWS SDK call is sent, or just after a call answered:
//   SLUICE_KILL_AT=claim:<pipeline>     before the Nth claim a batch of <pipeline> writes in the shard index
//   SLUICE_KILL_AT=copy:<bucket>        before the Nth CopyObject into <bucket> (a lake commit)
//   SLUICE_KILL_AT=after-put:<prefix>   after the Nth PutObject under a key starting with <prefix> answered
//                                       (a Firehose S3 delivery or backup landed, its step not yet noted)
//   SLUICE_KILL_AT=after-post:<path>    after the Nth fetch POST to a URL whose path is <path> answered
//                                       (an HTTP endpoint took a Firehose delivery, its step not yet noted)
//   SLUICE_KILL_NTH=N                   (default 1)
import { createRequire } from 'node:module';

const [what, target] = (process.env.SLUICE_KILL_AT ?? '').split(':');
const nth = Number(process.env.SLUICE_KILL_NTH ?? '1');
let seen = 0;
const killAt = (hit, when) => {
  if (hit && ++seen === nth) {
    process.stderr.write(`kill-at: SIGKILL ${when} ${what.replace(/^after-/, '')} ${target} #${nth}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
};
if (what === 'after-post') {
  const fetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    const response = await fetch(url, init);
    killAt(init?.method === 'POST' && new URL(String(url)).pathname === target && response.ok, 'after');
    return response;
  };
} else if (what) {
  const { Client } = createRequire(import.meta.url)('@smithy/core/client');
  const send = Client.prototype.send;
  Client.prototype.send = function (command, ...rest) {
    const input = command?.input ?? {};
    if (what === 'after-put') {
      const put = command?.constructor?.name === 'PutObjectCommand' && String(input.Key).startsWith(target);
      return send.call(this, command, ...rest).then((answer) => (killAt(put, 'after'), answer));
    }
    killAt(
      (what === 'claim' && typeof input.Item?.batchId === 'string' && input.Item.batchId.endsWith('#delivered') && String(input.Item.shardKey).startsWith(`${target}/`)) ||
        (what === 'copy' && command?.constructor?.name === 'CopyObjectCommand' && input.Bucket === target),
      'before',
    );
    return send.call(this, command, ...rest);
  };
}
