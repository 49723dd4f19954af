import { readFile } from 'node:fs/promises';
import type { Reading } from '../domain/records.js';
import { type Sensor, SensorError } from './sensor.js';

/**
 * Reads `0`/`1` from a file, e.g. `/sys/class/power_supply/AC/online` on a laptop or a UPS HAT
 * that exposes mains presence.
 */
export class FileSensor implements Sensor {
  readonly description: string;

  constructor(private readonly path: string) {
    this.description = `file ${path}`;
  }

  async read(): Promise<Reading> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new SensorError(
        code === 'ENOENT'
          ? `sensor file ${this.path} does not exist (check --sensor file:PATH)`
          : `cannot read sensor file ${this.path}: ${code ?? error}`,
      );
    }
    const value = text.trim();
    if (value === '1') return 1;
    if (value === '0') return 0;
    throw new SensorError(`sensor file ${this.path} must hold 0 or 1, found ${JSON.stringify(value.slice(0, 20))}`);
  }
}
