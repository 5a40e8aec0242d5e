#!/usr/bin/env node
// create-pipewright-step <folder> [--name <npm name>]: `pnpm create pipewright-step my-steps`.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { scaffoldStepPackage } from './scaffold.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, sdk: { type: 'string' }, worker: { type: 'string' } },
});
const folder = positionals[0];
if (folder === undefined) {
  console.error('usage: create-pipewright-step <folder> [--name <npm package name>]');
  process.exit(1);
}
// `pnpm create-step …` from the repository root runs here with INIT_CWD = where the developer typed it.
const dir = path.resolve(process.env.INIT_CWD ?? process.cwd(), folder);
try {
  const result = await scaffoldStepPackage({
    dir,
    ...(values.name ? { name: values.name } : {}),
    ...(values.sdk ? { sdkPath: values.sdk } : {}),
    ...(values.worker ? { workerPath: values.worker } : {}),
  });
  console.log(`Created ${result.name} in ${result.dir}:`);
  for (const file of result.files) console.log(`  ${file}`);
  console.log(`
Next:
  cd ${path.relative(process.cwd(), result.dir) || '.'}
  pnpm install
  pnpm test
  PIPEWRIGHT_URL=http://localhost:8080 PIPEWRIGHT_TOKEN=pw_… TEMPORAL_ADDRESS=127.0.0.1:7233 pnpm dev`);
} catch (error) {
  console.error(`create-pipewright-step: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
