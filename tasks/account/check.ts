import type { Body, Counts } from '../../contracts/batch.ts';

/**
 * Every reason a batch does not balance; empty when it does. `units` are the source units the
 * execution input holds (or, for a chunk, how many): each must end in some disposition, or a record was lost.
 */
export function imbalances(body: Body, counts: Counts, units?: string[] | number): string[] {
  const problems: string[] = [];
  const settled = body.delivered.length + body.quarantined.length + body.dropped.length + body.backedUp.length;
  if (settled !== counts.in) {
    problems.push(
      `in=${counts.in} but delivered=${body.delivered.length} + quarantined=${body.quarantined.length} + dropped=${body.dropped.length} + backedUp=${body.backedUp.length} = ${settled}`,
    );
  }
  if (body.records.length > 0) problems.push(`${body.records.length} records were never delivered`);
  if (body.failed.length > 0) problems.push(`${body.failed.length} failed records were never backed up`);
  const unstored = body.quarantined.filter((q) => !q.key).length;
  if (unstored > 0) problems.push(`${unstored} quarantined records were never written to the backup bucket`);
  const ids = new Set<string>();
  const seen = new Set<string>();
  for (const outcomes of [body.delivered, body.quarantined, body.dropped, body.backedUp]) {
    for (const entry of outcomes) {
      ids.add(entry.id);
      seen.add(entry.unit);
    }
  }
  const twice = settled - ids.size;
  if (twice > 0) problems.push(`${twice} record ids are counted twice`);
  if (Array.isArray(units)) {
    const missing = units.filter((unit) => !seen.has(unit));
    if (missing.length > 0) problems.push(`source units without any outcome: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  } else if (units !== undefined && seen.size !== units) {
    // a chunk knows how many lines it holds, not their names
    problems.push(`the chunk has ${units} lines but ${seen.size} of them have an outcome`);
  }
  return problems;
}

export const partitionCount = (body: Body): number =>
  new Set(body.delivered.filter((d) => d.partition).map((d) => JSON.stringify(d.partition))).size;
