/**
 * A temp "system" for the doctor: an install root with etc/ and run/, and shell scripts standing
 * in for pinctrl, timedatectl, systemctl and crontab that print what the real tools print.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from '../support/cli.js';

export interface FakeSystem {
  dir: string;
  /** The system root (etc/, run/ inside). */
  root: string;
  bin: string;
  cleanup: () => void;
  /** Writes an executable `#!/bin/sh` script into bin/ and returns its path. */
  script(name: string, body: string): string;
  /** Writes a file under the system root. */
  file(path: string, content: string): string;
}

export function fakeSystem(): FakeSystem {
  const { dir, cleanup } = tempDir('blackout-doctor-');
  const root = join(dir, 'root');
  const bin = join(dir, 'bin');
  mkdirSync(root);
  mkdirSync(bin);
  return {
    dir,
    root,
    bin,
    cleanup,
    script(name, body) {
      const path = join(bin, name);
      writeFileSync(path, `#!/bin/sh\n${body}\n`);
      chmodSync(path, 0o755);
      return path;
    },
    file(path, content) {
      const target = join(root, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
      return target;
    },
  };
}

/** `pinctrl get 4` on Raspberry Pi OS bookworm. */
export const pinctrlLine = (func: string, pull: string, level = 'lo'): string =>
  ` 4: ${func}    ${pull} | ${level} // GPIO4 = ${func === 'ip' ? 'input' : 'output'}`;
