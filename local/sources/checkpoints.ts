import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Where a local Pipe has read each shard up to: the sequence number of the last record acknowledged. */
export interface Checkpoints {
  get(shardKey: string): string | undefined;
  /** Records the new place at once, before it returns (lanes that end out of order call it in the order their moves were made; the writes follow). */
  set(shardKey: string, sequenceNumber: string): Promise<void>;
}

export class MemoryCheckpoints implements Checkpoints {
  private readonly done = new Map<string, string>();
  get = (shardKey: string) => this.done.get(shardKey);
  set = async (shardKey: string, sequenceNumber: string) => void this.done.set(shardKey, sequenceNumber);
}

/**
 * Checkpoints kept in a JSON file of the data folder, as the Pipes service keeps them for a Pipe: a
 * restarted stack resumes after the last acknowledged batch instead of at TRIM_HORIZON. Each write goes
 * to a temporary file renamed over the old one, so a kill leaves the old checkpoint or the new, never half.
 */
export class FileCheckpoints implements Checkpoints {
  private constructor(
    private readonly file: string,
    private readonly done: Record<string, string>,
  ) {}

  static async open(file: string): Promise<FileCheckpoints> {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '{}';
      throw error;
    });
    let done: unknown;
    try {
      done = JSON.parse(text);
    } catch (error) {
      throw new Error(`${file}: the Pipe checkpoints are not JSON (${(error as Error).message}); move the file away to start from TRIM_HORIZON`, { cause: error });
    }
    if (typeof done !== 'object' || done === null || Object.values(done).some((value) => typeof value !== 'string')) {
      throw new Error(`${file}: expected {"<stream>/<shard>": "<sequence number>"}`);
    }
    await mkdir(dirname(file), { recursive: true });
    return new FileCheckpoints(file, done as Record<string, string>);
  }

  get = (shardKey: string) => this.done[shardKey];

  /** Writes one after another: two shards acknowledging at once must not interleave their renames. */
  private writing: Promise<void> = Promise.resolve();

  set = (shardKey: string, sequenceNumber: string): Promise<void> => {
    this.done[shardKey] = sequenceNumber;
    const text = JSON.stringify(this.done, null, 2);
    const temporary = `${this.file}.${process.pid}.tmp`;
    this.writing = this.writing.then(async () => {
      await writeFile(temporary, text);
      await rename(temporary, this.file);
    });
    return this.writing;
  };
}
