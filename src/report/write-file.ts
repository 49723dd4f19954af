import { messageOf } from '../utils/errors.js';
import { writeFileAtomic } from '../utils/files.js';

/** Writes a report to `--out` atomically, with a message that names the file (not its temp file) on failure. */
export function writeReportFile(out: string, text: string): void {
  try {
    writeFileAtomic(out, text);
  } catch (error) {
    // Node's message ends with the syscall and the temp file's name (`…, open '/x/r.html.123.tmp'`): dropped.
    const reason =
      (error as NodeJS.ErrnoException).code === 'EISDIR'
        ? 'it is a folder'
        : messageOf(error).replace(/, \w+ '.*$/s, '');
    throw new Error(`cannot write --out ${out}: ${reason}`);
  }
}
