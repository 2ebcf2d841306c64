import { defaultConfig } from './config/default.ts';
import { sustainedS4 } from './bench/running-stack.ts';
const level = process.argv[2] as 'ALL' | 'ERROR';
const rate = Number(process.argv[3] ?? 5000);
const config = structuredClone(defaultConfig);
for (const p of Object.values(config.pipelines)) (p as { logLevel?: string }).logLevel = level;
const r = await sustainedS4(config, rate, 30, () => {});
console.log(level, rate, JSON.stringify({ sustained: Math.round(r.sustainedPerSecond), lag: r.maxLagSeconds, p50: r.latencyP50Ms, p99: r.latencyP99Ms, rss: r.peakRssMb, busy: r.busy }));
process.exit(0);
