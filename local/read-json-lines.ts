import { readFile, truncate } from 'node:fs/promises';

/**
 * The lines of a stand-in's JSON Lines file (none when there is no file). A last line without its
 * newline is a write a kill cut short (a SIGKILL during a write of several pages leaves part of it),
 * whose request was never answered, so the sender tries it again: it is cut off the file, which
 * otherwise would fail every later start, and would glue the next line appended onto it.
 */
export async function readJsonLines<T>(file: string): Promise<T[]> {
  let text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  if (text !== '' && !text.endsWith('\n')) {
    text = text.slice(0, text.lastIndexOf('\n') + 1);
    await truncate(file, Buffer.byteLength(text));
  }
  const values: T[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    try {
      values.push(JSON.parse(line) as T);
    } catch (error) {
      throw new Error(`${file}:${i + 1}: not a JSON line (${(error as Error).message})`, { cause: error });
    }
  });
  return values;
}
