import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type StepPackageDefinition, type StepPackageManifest, toPackageManifest } from '@pipewright/step-sdk';

export interface LoadedStepPackage {
  dir: string;
  name: string;
  version: string;
  definition: StepPackageDefinition;
  manifest: StepPackageManifest;
}

/**
 * Loads the step package in `dir`: name and version from its package.json, steps from the default export of its
 * entry (`exports["."]`, else `main`, else `src/index.ts`), which `defineStepPackage` declares.
 */
export async function loadStepPackage(dir: string, options: { version?: string } = {}): Promise<LoadedStepPackage> {
  const packageJson: unknown = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
  if (typeof packageJson !== 'object' || packageJson === null) throw new Error(`${dir}/package.json is not an object`);
  const name = Reflect.get(packageJson, 'name');
  const version = options.version ?? Reflect.get(packageJson, 'version');
  if (typeof name !== 'string' || typeof version !== 'string') {
    throw new Error(`${dir}/package.json needs a "name" and a "version"`);
  }
  const entry = path.resolve(dir, entryOf(packageJson));
  // ESM caches modules for the process's life: `dev` reloads edits by restarting its child processes.
  const loaded: unknown = await import(pathToFileURL(entry).href);
  const definition = typeof loaded === 'object' && loaded !== null ? Reflect.get(loaded, 'default') : undefined;
  if (!isStepPackageDefinition(definition)) {
    throw new Error(`${entry} must \`export default defineStepPackage({ steps: [...] })\``);
  }
  return { dir, name, version, definition, manifest: toPackageManifest(definition, { name, version }) };
}

function entryOf(packageJson: object): string {
  const exports: unknown = Reflect.get(packageJson, 'exports');
  if (typeof exports === 'string') return exports;
  if (typeof exports === 'object' && exports !== null) {
    const root: unknown = Reflect.get(exports, '.');
    if (typeof root === 'string') return root;
  }
  const main: unknown = Reflect.get(packageJson, 'main');
  return typeof main === 'string' ? main : 'src/index.ts';
}

function isStepPackageDefinition(value: unknown): value is StepPackageDefinition {
  return typeof value === 'object' && value !== null && Array.isArray(Reflect.get(value, 'steps'));
}
