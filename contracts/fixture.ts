import * as t from 'io-ts';
import { strict } from './strict.ts';

const CountsExpected = strict('ExpectedCounts', {}, { in: t.number, delivered: t.number, quarantined: t.number, dropped: t.number, backedUp: t.number });

/**
 * A test of a pipeline, as `sluice test` runs it (like `vector test`): an input, given inline or as a
 * file next to the fixture (a Pipes batch, a Firehose request, an S3 event; or `object`, a JSON Lines
 * file put in the raw bucket for the s3 workflow), and what must come of it.
 */
export const Fixture = strict(
  'Fixture',
  {
    pipeline: t.string,
    expect: strict(
      'Expectation',
      {},
      {
        status: t.keyof({ SUCCEEDED: null, FAILED: null }),
        counts: CountsExpected,
        /** Quarantined records per reason (the reason is the quarantine object's error code). */
        quarantined: t.record(t.string, t.number),
        /** Places written per sink (s3-lake objects, backup objects…). */
        outputs: t.record(t.string, t.number),
        error: t.string,
      },
    ),
  },
  { name: t.string, input: t.unknown, inputFile: t.string, object: t.string },
);
export type Fixture = t.TypeOf<typeof Fixture>;
