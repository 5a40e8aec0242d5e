/** Type-checks every workspace package with its own tsconfig (no emit: Node 24 runs the sources). */
import { spawnSync } from 'node:child_process';
import { existsSync, globSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const projects = [
  ...globSync('packages/*/tsconfig.json', { cwd: root }),
  ...globSync('packages/connectors/*/tsconfig.json', { cwd: root }),
  ...['web', 'server', 'worker', 'e2e', 'scripts'].map((dir) => `${dir}/tsconfig.json`),
].filter((file) => existsSync(resolve(root, file)));
let failed = 0;
for (const project of projects) {
  const result = spawnSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', project], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) failed++;
  console.log(`${result.status === 0 ? 'ok  ' : 'FAIL'} ${project}`);
}
process.exit(failed ? 1 : 0);
