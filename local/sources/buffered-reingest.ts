import type { SluiceConfig } from '../../contracts/config.ts';
import type { Reingest } from '../../tasks/shared/reingest.ts';
import { streamOf } from '../servers.ts';
import { arriving, bufferFileOf, FirehoseBuffer } from './firehose-buffer.ts';

/**
 * PutRecordBatch into a data folder's delivery stream buffers while the running stack is stopped (a
 * redrive, `sluice run` or the inspector on the folder, which hold its lock): the records wait on disk in
 * `firehose/<pipeline>.jsonl`, and the next `sluice start` delivers them. Put into memory instead, they
 * went with the process, while the batch's ledger row said they were put back.
 */
export function bufferedReingest(dataDir: string, config: SluiceConfig): Reingest {
  return async (stream, records) => {
    const pipeline = Object.keys(config.pipelines).find((name) => config.pipelines[name]!.workflow === 'firehose' && streamOf(name) === stream);
    if (!pipeline) {
      const known = Object.keys(config.pipelines).filter((name) => config.pipelines[name]!.workflow === 'firehose').map(streamOf);
      throw new Error(`no delivery stream named ${stream} in this configuration (its delivery streams: ${known.join(', ') || 'none'}): the records stay where they are`);
    }
    const buffer = await FirehoseBuffer.open(bufferFileOf(dataDir, pipeline));
    await buffer.add(arriving(records));
  };
}
