import { readFileSync } from 'node:fs';
import { defaultConfig } from '../config/default.ts';
import { startStack } from '../local/stack.ts';
import { objectThroughput } from './e2e.ts';

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
/** The kernel's high-water mark of this process's resident memory: what sampling could miss. */
const vmHwmMb = () => Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? Number.NaN) / 1024);

/**
 * Child process of `npm run bench`: one object of argv[2] MB through the s3 workflow in chunks of argv[3]
 * bytes, with no heap cap.
 * Prints its figures as JSON: peak RSS sampled every 50 ms, with the V8 heap and the ArrayBuffers
 * (chunks, claim checks, s3rver's bodies) at that moment, the largest heap of the servers' thread, and the
 * kernel's VmHWM.
 */
const objectMb = Number(process.argv[2]);
const config = { ...defaultConfig, limits: { ...defaultConfig.limits, chunkBytes: Number(process.argv[3]) } };
const stack = await startStack(config, { skipWaits: true });
let peak = process.memoryUsage();
// the servers' thread's heap is not in memoryUsage(): asked for apart, less often (the answer is async)
let threadHeap = 0;
const sampler = setInterval(() => {
  const now = process.memoryUsage();
  if (now.rss > peak.rss) peak = now;
}, 50);
const threadSampler = setInterval(() => void stack.servers.threadHeap().then(({ totalBytes }) => (threadHeap = Math.max(threadHeap, totalBytes)), () => undefined), 500);
try {
  const baselineRssMb = mb(process.memoryUsage.rss());
  const result = await objectThroughput(stack, 's4-events-processed', objectMb * 2 ** 20, (line) => process.stderr.write(`memory: ${objectMb} MB: ${line}\n`));
  clearInterval(sampler);
  clearInterval(threadSampler);
  console.log(JSON.stringify({ ...result, baselineRssMb, peakRssMb: mb(peak.rss), heapUsedMb: mb(peak.heapUsed), arrayBuffersMb: mb(peak.arrayBuffers), threadHeapMb: mb(threadHeap), vmHwmMb: vmHwmMb() }));
} finally {
  clearInterval(sampler);
  clearInterval(threadSampler);
  await stack.stop();
}
