/**
 * The Prometheus output: node_exporter's textfile collector reads `*.prom` files from one folder, so
 * each run rewrites its file whole and atomically (a temp file in the same folder, then a rename):
 * a scrape never sees half a file.
 */
import { writeFileAtomic } from '../../utils/files.js';
import type { Output, OutputSnapshot } from '../output.js';
import { renderTextfile } from './textfile.js';

export class PrometheusOutput implements Output {
  readonly name = 'prometheus' as const;
  readonly secrets: readonly string[] = [];
  readonly needsPowerState = true;

  constructor(readonly target: string) {}

  async publish(snapshot: OutputSnapshot): Promise<{ skipped?: string }> {
    const text = renderTextfile(snapshot.series, snapshot.power, snapshot.bufferedReadings());
    // World-readable: node_exporter runs as its own user.
    writeFileAtomic(this.target, text, { mode: 0o644 });
    return {};
  }
}
