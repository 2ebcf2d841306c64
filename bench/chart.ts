/** A horizontal bar chart as SVG: one bar per figure, each against its own target line. */
export interface Bar {
  label: string;
  value: number;
  target: number;
  unit: string;
  /** true when lower is better (memory). */
  lowerIsBetter?: boolean;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function barChart(title: string, bars: Bar[]): string {
  const rowHeight = 46;
  // room for the longest label at 13 px (about 7 px a character): a longer one was cut off at the left edge
  const left = Math.max(250, 20 + 7 * Math.max(0, ...bars.map((bar) => bar.label.length)));
  const plot = 470;
  const width = left + plot + 40;
  const height = 60 + bars.length * rowHeight;
  const rows = bars.map((bar, i) => {
    const scale = Math.max(bar.value, bar.target) * 1.15;
    const y = 50 + i * rowHeight;
    const w = Math.max(2, (bar.value / scale) * plot);
    const tx = left + (bar.target / scale) * plot;
    const met = bar.lowerIsBetter ? bar.value <= bar.target : bar.value >= bar.target;
    const value = `${bar.value.toLocaleString('en-US', { maximumFractionDigits: bar.value < 1 ? 3 : 2 })} ${bar.unit}`;
    return [
      `<text x="${left - 10}" y="${y + 20}" text-anchor="end" font-size="13">${escape(bar.label)}</text>`,
      `<rect x="${left}" y="${y + 6}" width="${w.toFixed(1)}" height="22" fill="${met ? '#2e7d32' : '#c62828'}" rx="3"/>`,
      `<text x="${left + w + 6}" y="${y + 22}" font-size="12">${escape(value)}</text>`,
      `<line x1="${tx.toFixed(1)}" x2="${tx.toFixed(1)}" y1="${y + 2}" y2="${y + 32}" stroke="#222" stroke-dasharray="4 3"/>`,
      `<text x="${tx.toFixed(1)}" y="${y + 44}" font-size="10" text-anchor="middle" fill="#555">target ${bar.lowerIsBetter ? '≤' : '≥'} ${bar.target.toLocaleString('en-US')}</text>`,
    ].join('\n');
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="20" y="28" font-size="16" font-weight="bold">${escape(title)}</text>
${rows.join('\n')}
</svg>
`;
}
