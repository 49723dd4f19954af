/**
 * Where the time goes: reads a V8 CPU profile (`node --cpu-prof`) and sums self time per package
 * (`node_modules/<pkg>`), per project file (`dist/…`) and for Node's own internals, plus the
 * time before the first sample (V8 and Node start-up) and idle time (waiting on I/O).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  where: string;
  ms: number;
}

function bucketOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) {
    if (functionName === '(idle)') return '(idle: waiting on I/O)';
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(program)') return '(V8/native: compile, module loading)';
    return `(native) ${functionName}`;
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `package ${pkg[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  // The benchmark's private copy of dist/ is .tools/bench-<label>-<pid>/.
  const dist = /\/(?:dist|\.tools\/bench-[^/]+)\/(.+)$/.exec(url);
  if (dist) return `project dist/${dist[1]}`;
  return url;
}

/** Self time per bucket for the first profile written into `dir`, largest first. */
export function summarizeProfile(dir: string): { totalMs: number; shares: ProfileShare[]; functions: ProfileShare[] } {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  const perFunction = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const bucket = bucketOf(node);
    add(totals, bucket, ms);
    const { url, functionName } = node.callFrame;
    const file = url.replace(/^.*node_modules\//, '').replace(/^.*\/(?:dist|\.tools\/bench-[^/]+)\//, 'dist/');
    add(perFunction, url ? `${functionName || '(anonymous)'} ${file}` : bucket, ms);
  });
  const sorted = (map: Map<string, number>) =>
    [...map].map(([where, ms]) => ({ where, ms })).sort((a, b) => b.ms - a.ms);
  return {
    totalMs: (profile.endTime - profile.startTime) / 1000,
    shares: sorted(totals),
    functions: sorted(perFunction),
  };
}
