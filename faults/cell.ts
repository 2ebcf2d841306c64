import type { CellFigures } from './audit.ts';

/** Progress on stderr: one line per phase of a cell, with the seconds since the cell began. */
export class Progress {
  private readonly started = Date.now();
  constructor(private readonly cell: string) {}

  phase(name: string, detail = ''): void {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    process.stderr.write(`faults: ${this.cell} ${name} ${seconds}s${detail ? ` ${detail}` : ''}\n`);
  }
}

/** A cell of the fault matrix: a fresh stack, a fault, the records, the heal, the redrive, the audit. */
export interface Cell {
  name: string;
  run(records: number, progress: Progress): Promise<CellFigures>;
}

/** The figures of a cell as `npm run faults` prints them. */
export const lineOf = (name: string, f: CellFigures): string =>
  `faults: ${name} in=${f.in} delivered=${f.delivered} quarantined=${f.quarantined} dropped=${f.dropped} backedUp=${f.backedUp} lost=${f.lost} duplicates=${f.duplicates}`;
