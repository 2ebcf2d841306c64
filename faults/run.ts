/**
 * The fault matrix on the embedded stack: `npm run faults [-- --cell NAME] [--records N]`.
 *
 * Each cell opens a fresh stack, generates N tagged records (default 20,000), runs them into a fault,
 * heals it, redrives what the ledger shows unfinished, and audits every sink, the backups and the
 * ledger (faults/audit.ts). stdout gets one line per cell, then the total:
 *
 *   faults: <cell> in=N delivered=N quarantined=N dropped=N backedUp=N lost=N duplicates=N
 *   faults: cells=K lost=L duplicates=D
 *
 * Progress goes to stderr, one line per phase with the cell's elapsed seconds. Exit 0 only when nothing
 * was lost or duplicated (and no cell broke).
 */
import { parseArgs } from 'node:util';
import { lineOf, Progress } from './cell.ts';
import { cells } from './cells/index.ts';

const { values: args } = parseArgs({ options: { cell: { type: 'string', multiple: true }, records: { type: 'string', default: '20000' } } });
const records = Number(args.records);
if (!Number.isInteger(records) || records < 1) throw new Error(`--records wants a positive integer, not ${args.records}`);
const chosen = args.cell ? cells.filter((cell) => args.cell!.includes(cell.name)) : cells;
const unknown = (args.cell ?? []).filter((name) => !cells.some((cell) => cell.name === name));
if (unknown.length > 0) {
  process.stderr.write(`faults: no cell ${unknown.join(', ')}; the cells: ${cells.map((cell) => cell.name).join(', ')}\n`);
  process.exit(2);
}

const started = Date.now();
let lost = 0;
let duplicates = 0;
let broken = 0;
for (const cell of chosen) {
  const progress = new Progress(cell.name);
  try {
    const figures = await cell.run(records, progress);
    lost += figures.lost;
    duplicates += figures.duplicates;
    process.stdout.write(`${lineOf(cell.name, figures)}\n`);
  } catch (error) {
    // a cell that cannot finish proves nothing: it fails the matrix, with what broke
    broken++;
    progress.phase('broke', (error as Error).stack ?? String(error));
    process.stdout.write(`faults: ${cell.name} broke: ${(error as Error).message.split('\n')[0]}\n`);
  }
}
process.stdout.write(`faults: cells=${chosen.length} lost=${lost} duplicates=${duplicates}${broken ? ` broken=${broken}` : ''}\n`);
process.stderr.write(`faults: ${chosen.length} cells of ${records} records in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
process.exit(lost === 0 && duplicates === 0 && broken === 0 ? 0 : 1);
