/**
 * A progress line for a long command run by hand: rewritten in place on stderr, only when stderr is a
 * terminal (a cron mail or a log file gets none), at most a few times a second, cleared at the end.
 */
export interface ProgressLine {
  update(text: string): void;
  clear(): void;
}

export function progressLine(name: string, stream: NodeJS.WriteStream = process.stderr): ProgressLine | undefined {
  if (!stream.isTTY) return undefined;
  let shown = false;
  let last = 0;
  return {
    update(text) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      shown = true;
      stream.write(`\r\x1b[K${name}: ${text}`);
    },
    clear() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
