import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * One running stack per data folder: two would share s3rver's files, dynalite's and kinesalite's
 * databases and the Pipe checkpoints, and corrupt them. A lock left by a killed process is taken over.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, 'sluice.pid');
  const holder = Number(await readFile(file, 'utf8').catch(() => ''));
  if (holder && holder !== process.pid && alive(holder)) {
    throw new Error(`${dataDir} is in use by a running sluice (pid ${holder}): stop it, or give another --data-dir`);
  }
  await writeFile(file, String(process.pid));
  return () => rm(file, { force: true });
}
