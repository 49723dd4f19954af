import { type CheckResult, fail, ok } from './check.js';

const MIN_NODE_MAJOR = 20;

export function checkNode(version: string): CheckResult {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (major >= MIN_NODE_MAJOR) return ok('node', `Node.js ${version}`);
  return fail(
    'node',
    `Node.js ${version} is too old (${MIN_NODE_MAJOR} or newer needed)`,
    'install Node.js 20+: curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash - && sudo apt install -y nodejs (see README)',
  );
}
