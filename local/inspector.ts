import type { Visit } from '../workflows/render-svg.ts';
import { renderSvg } from '../workflows/render-svg.ts';
import { workflows } from '../workflows/index.ts';
import type { ExecutionResult, TraceEvent } from './engine.ts';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** How much of a state's input or output the page shows; the rest is cut with a note. */
const MAX_JSON = 20_000;

function json(value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? 'undefined';
  return text.length > MAX_JSON ? `${text.slice(0, MAX_JSON)}\n… ${text.length - MAX_JSON} more characters` : text;
}

/** Visits per state from an execution's trace (Map iterations included). */
export function visitsOf(events: TraceEvent[]): Record<string, Visit> {
  const visits: Record<string, Visit> = {};
  const of = (name: string) => (visits[name] ??= { entered: 0, failed: 0, retried: 0 });
  for (const event of events) {
    const name = event.state?.name;
    if (!name) continue;
    if (event.type === 'StateEntered') of(name).entered++;
    if (event.type === 'StateFailed') of(name).failed++;
    if (event.type === 'StateRetried') of(name).retried++;
  }
  return visits;
}

function row(event: TraceEvent, started: number): string {
  const state = event.state;
  const where = state ? `${escape(state.name)}${event.index === undefined ? '' : ` <span class="chunk">chunk ${event.index}</span>`}` : '';
  const details: string[] = [];
  if (state && 'input' in state && event.type === 'StateEntered') details.push(`<details><summary>input</summary><pre>${escape(json(state.input))}</pre></details>`);
  if (state && 'output' in state) details.push(`<details><summary>output</summary><pre>${escape(json(state.output))}</pre></details>`);
  if (event.Error) details.push(`<span class="error">${escape(event.Error)}: ${escape(String(event.Cause ?? ''))}</span>`);
  return `<tr class="${event.type}"${state ? ` data-state="${escape(state.name)}"` : ''} data-ms="${event.timestamp - started}"><td>${event.timestamp - started} ms</td><td>${event.type}</td><td>${where}</td><td>${details.join('')}</td></tr>`;
}

/**
 * One execution as a page: the workflow graph with the states it went through, its counts and outputs,
 * and every event of its trace with the state's input and output, like the console's execution view.
 */
export function inspectorHtml(result: ExecutionResult): string {
  const started = result.events[0]?.timestamp ?? 0;
  const counts = result.account?.counts;
  const summary = [
    ['workflow', result.workflow],
    ['pipeline', result.pipeline],
    ['status', result.status + (result.error ? ` (${result.error})` : '')],
    ['execution', result.executionArn],
    ['started', result.startedAt],
    ['duration', `${result.durationMs} ms`],
    ...(counts ? [['records', `in ${counts.in} = delivered ${counts.delivered} + quarantined ${counts.quarantined} + dropped ${counts.dropped} + backed up ${counts.backedUp}`]] : []),
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
pre { background: #f5f7f8; padding: 8px; max-height: 320px; overflow: auto; } .chunk { color: #00838f; } .error { color: #c62828; }
</style></head><body>
<h1>${escape(result.pipeline)} <span class="${result.status}">${result.status}</span>${result.account && result.account.status !== 'SUCCEEDED' ? ` <span class="batch ${result.account.status}">batch ${result.account.status}</span>` : ''}</h1>
<table class="summary">${summary.map(([k, v]) => `<tr><td>${k}</td><td>${escape(String(v))}</td></tr>`).join('')}</table>
${outputs.length ? `<h2>Where the records went</h2><ul>${outputs.join('')}</ul>` : ''}
<h2>Graph</h2>
${renderSvg(workflows[result.workflow], `sluice ${result.workflow} workflow`, visitsOf(result.events))}
<div id="state-panel" hidden><h2 id="state-name"></h2><p id="state-time"></p><div id="state-details"></div></div>
<h2>Events</h2>
<table class="events">${result.events.map((event) => row(event, started)).join('\n')}</table>
<script>
// a click on a state of the graph shows what the console's state panel shows: its time, input, output, error
document.querySelectorAll('g.state').forEach((node) => {
  node.style.cursor = 'pointer';
  node.addEventListener('click', () => {
    const name = node.getAttribute('data-state');
    const rows = [...document.querySelectorAll('table.events tr')].filter((row) => row.getAttribute('data-state') === name);
    const times = rows.map((row) => Number(row.getAttribute('data-ms')));
    document.getElementById('state-name').textContent = name;
    document.getElementById('state-time').textContent = rows.length === 0 ? 'not entered in this execution' : rows.filter((r) => r.className === 'StateEntered').length + ' time(s) entered, ' + (Math.max(...times) - Math.min(...times)) + ' ms from first entry to last event';
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
