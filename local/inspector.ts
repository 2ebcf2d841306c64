import { ClaimCheck, type Counts, type Dropped, type Quarantined } from '../contracts/batch.ts';
import type { ExecutionPath, Visit } from '../workflows/render-svg.ts';
import { renderSvg } from '../workflows/render-svg.ts';
import { workflows } from '../workflows/index.ts';
import type { ExecutionResult, TraceEvent } from './engine.ts';
import type { KeptClaim } from './execution-source.ts';
import { claimUrl } from './execution-store.ts';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** How much of a state's input or output the page shows; the rest is cut with a note. */
const MAX_JSON = 20_000;

function json(value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? 'undefined';
  return text.length > MAX_JSON ? `${text.slice(0, MAX_JSON)}\n… ${text.length - MAX_JSON} more characters` : text;
}

/** A value with its claim checks replaced by the payloads kept with the execution, and a note for each. */
function resolved(value: unknown, claims: Map<string, KeptClaim>, notes: string[] = []): { value: unknown; notes: string[] } {
  const walk = (v: unknown): unknown => {
    if (ClaimCheck.is(v)) {
      const kept = claims.get(claimUrl(v.ref));
      const bytes = v.bytes ?? kept?.bytes;
      const what = `claim check ${claimUrl(v.ref)} (${v.count} records${bytes === undefined ? '' : `, ${bytes} bytes`})`;
      notes.push(kept?.missing ? `${what}: not kept (${kept.missing})` : kept ? `${what}: the data, kept with the execution` : `${what}: not kept with this execution`);
      return kept && !kept.missing ? kept.value : v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item)]));
    return v;
  };
  return { value: walk(value), notes };
}

function payload(label: string, value: unknown, claims: Map<string, KeptClaim>): string {
  const shown = resolved(value, claims);
  const notes = shown.notes.map((note) => `<p class="claim">${escape(note)}</p>`).join('');
  return `<details><summary>${label}</summary>${notes}<pre>${escape(json(shown.value))}</pre></details>`;
}

/**
 * Visits per state from an execution's trace (Map iterations included): entries, failures, retries,
 * catches, and the time from each entry to its exit (or its last failure, when it was not caught), summed.
 * The transitions taken are consecutive entries in one scope (the execution, or one Map iteration).
 */
export function pathOf(events: TraceEvent[]): ExecutionPath {
  const visits: Record<string, Visit> = {};
  const taken = new Set<string>();
  const open = new Map<string, { name: string; start: number; end: number }>();
  const last = new Map<string, string>();
  const of = (name: string) => (visits[name] ??= { entered: 0, failed: 0, retried: 0, caught: 0, durationMs: 0 });
  const close = (key: string) => {
    const stay = open.get(key);
    if (stay) of(stay.name).durationMs += stay.end - stay.start;
    open.delete(key);
  };
  for (const event of events) {
    const name = event.state?.name;
    if (!name) continue;
    const scope = String(event.index ?? '');
    const key = `${scope}:${name}`;
    if (event.type === 'StateEntered') {
      close(key);
      of(name).entered++;
      open.set(key, { name, start: event.timestamp, end: event.timestamp });
      const previous = last.get(scope);
      if (previous) taken.add(`${previous}→${name}`);
      last.set(scope, name);
      continue;
    }
    const stay = open.get(key);
    if (stay) stay.end = event.timestamp;
    if (event.type === 'StateFailed') of(name).failed++;
    if (event.type === 'StateRetried') of(name).retried++;
    if (event.type === 'StateCaught') of(name).caught++;
    if (event.type === 'StateExited') close(key);
  }
  for (const key of [...open.keys()]) close(key);
  return { visits, taken };
}

/** The quarantined and dropped records of an execution (and of its chunk executions), from the last body each traced. */
function setAside(result: ExecutionResult, claims: Map<string, KeptClaim>): { quarantined: Quarantined[]; dropped: Dropped[] } {
  const quarantined: Quarantined[] = [];
  const dropped: Dropped[] = [];
  for (const execution of [result, ...(result.chunks ?? [])]) {
    let body: { quarantined?: Quarantined[]; dropped?: Dropped[] } | undefined;
    for (const event of execution.events) {
      const output = event.state && 'output' in event.state ? (resolved(event.state.output, claims).value as { body?: typeof body }) : undefined;
      if (Array.isArray(output?.body?.quarantined)) body = output.body;
    }
    quarantined.push(...(body?.quarantined ?? []));
    dropped.push(...(body?.dropped ?? []));
  }
  return { quarantined, dropped };
}

function setAsideTable({ quarantined, dropped }: ReturnType<typeof setAside>): string {
  if (quarantined.length === 0 && dropped.length === 0) return '';
  const rows = [
    ...quarantined.map(
      (q) => `<tr class="quarantined"><td>${escape(q.id)}</td><td>quarantined</td><td class="reason">${escape(q.reason)}</td><td>${escape(q.severity)}</td><td>${q.errors.map((e) => `${escape(e.path)}: ${escape(e.message)}`).join('<br>')}</td><td>${escape(q.key ?? '')}</td></tr>`,
    ),
    ...dropped.map((d) => `<tr class="dropped"><td>${escape(d.id)}</td><td>dropped</td><td class="reason">${escape(d.reason)}</td><td></td><td></td><td></td></tr>`),
  ];
  return `<h2>Records set aside</h2><table id="set-aside" class="events"><tr><th>record</th><th>outcome</th><th>reason</th><th>severity</th><th>what was wrong</th><th>kept at</th></tr>${rows.join('\n')}</table>`;
}

function row(event: TraceEvent, started: number, claims: Map<string, KeptClaim>): string {
  const state = event.state;
  const where = state ? `${escape(state.name)}${event.index === undefined ? '' : ` <span class="chunk">chunk ${event.index}</span>`}` : '';
  const details: string[] = [];
  if (state && 'input' in state && event.type === 'StateEntered') details.push(payload('input', state.input, claims));
  if (state && 'output' in state) details.push(payload('output', state.output, claims));
  if (event.Error) details.push(`<span class="error">${escape(event.Error)}: ${escape(String(event.Cause ?? ''))}</span>`);
  return `<tr class="${event.type}"${state ? ` data-state="${escape(state.name)}"` : ''} data-ms="${event.timestamp - started}"><td>${event.timestamp - started} ms</td><td>${event.type}</td><td>${where}</td><td>${details.join('')}</td></tr>`;
}

/** A batch's counts as the sum they must make: `in N = delivered … + quarantined … + dropped … + backed up …`. */
export const balanceOf = (counts: Counts): string =>
  `in ${counts.in} = delivered ${counts.delivered} + quarantined ${counts.quarantined} + dropped ${counts.dropped} + backed up ${counts.backedUp}`;

/**
 * One execution as a page: the workflow graph with the states it went through, its counts and outputs,
 * and every event of its trace with the state's input and output, like the console's execution view.
 */
export async function inspectorHtml(result: ExecutionResult, claims: Map<string, KeptClaim> = new Map()): Promise<string> {
  const path = pathOf(result.events);
  const graph = await renderSvg(workflows[result.workflow], `sluice ${result.workflow} workflow`, path);
  const started = result.events[0]?.timestamp ?? 0;
  const counts = result.account?.counts;
  const summary = [
    ['workflow', result.workflow],
    ['pipeline', result.pipeline],
    ['status', result.status + (result.error ? ` (${result.error})` : '')],
    ['execution', result.executionArn],
    ['started', result.startedAt],
    ['duration', `${result.durationMs} ms`],
    ...(counts ? [['records', balanceOf(counts)]] : []),
    ...(result.account ? [['batch', result.account.batchId]] : []),
  ];
  const outputs = Object.entries(result.account?.outputs ?? {}).flatMap(([sink, places]) => places.map((place) => `<li><b>${escape(sink)}</b> ${escape(place)}</li>`));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sluice · ${escape(result.pipeline)} · ${result.status}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 24px; color: #263238; }
h1 { font-size: 20px; } .SUCCEEDED { color: #2e7d32; } .FAILED { color: #c62828; } .BACKED_UP { color: #ef6c00; }
table.summary td:first-child { color: #607d8b; padding-right: 16px; }
table.events { border-collapse: collapse; width: 100%; font-size: 13px; }
table.events td { border-top: 1px solid #eceff1; padding: 4px 8px; vertical-align: top; }
tr.StateFailed td, tr.StateCaught td { background: #ffebee; } tr.StateRetried td { background: #fff8e1; }
p.claim { color: #00838f; font-size: 12px; margin: 4px 0; } #set-aside .reason { color: #c62828; }
pre { background: #f5f7f8; padding: 8px; max-height: 320px; overflow: auto; } .chunk { color: #00838f; } .error { color: #c62828; }
</style></head><body>
<h1>${escape(result.pipeline)} <span class="${result.status}">${result.status}</span>${result.account && result.account.status !== 'SUCCEEDED' ? ` <span class="batch ${result.account.status}">batch ${result.account.status}</span>` : ''}</h1>
<table class="summary">${summary.map(([k, v]) => `<tr><td>${k}</td><td>${escape(String(v))}</td></tr>`).join('')}</table>
${outputs.length ? `<h2>Where the records went</h2><ul>${outputs.join('')}</ul>` : ''}
<h2>Graph</h2>
${graph}
<div id="state-panel" hidden><h2 id="state-name"></h2><p id="state-outcome"></p><p id="state-time"></p><div id="state-details"></div></div>
${setAsideTable(setAside(result, claims))}
<h2>Events</h2>
<table class="events">${result.events.map((event) => row(event, started, claims)).join('\n')}</table>
<script>
// a click on a state of the graph shows what the console's state panel shows: its outcome, time, input, output, error
document.querySelectorAll('g.state').forEach((node) => {
  node.style.cursor = 'pointer';
  node.addEventListener('click', () => {
    const name = node.getAttribute('data-state');
    const rows = [...document.querySelectorAll('table.events tr')].filter((row) => row.getAttribute('data-state') === name);
    const entered = node.getAttribute('data-entered');
    document.getElementById('state-name').textContent = name;
    document.getElementById('state-outcome').textContent = node.getAttribute('data-outcome') ?? 'not visited';
    document.getElementById('state-time').textContent = entered === null ? 'not entered in this execution' : entered + ' time(s) entered, ' + node.getAttribute('data-duration-ms') + ' ms in the state in all';
    const details = document.getElementById('state-details');
    details.replaceChildren(...rows.flatMap((row) => [...row.querySelectorAll('details, .error')].map((d) => { const copy = d.cloneNode(true); if (copy.tagName === 'DETAILS') copy.open = true; return copy; })));
    document.getElementById('state-panel').hidden = false;
    document.getElementById('state-panel').scrollIntoView();
  });
});
</script>
</body></html>
`;
}
