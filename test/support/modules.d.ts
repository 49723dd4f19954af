declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    path?: string;
    ssl?: boolean;
  }
  export default function dynalite(options?: DynaliteOptions): Server;
}

declare module 'parse-prometheus-text-format' {
  /** Metric families as parsed from the text exposition format. */
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
