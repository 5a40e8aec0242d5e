import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TEMPLATE_DIR = fileURLToPath(new URL('../template/', import.meta.url));
const PACKAGES_DIR = fileURLToPath(new URL('../../', import.meta.url));

export interface ScaffoldOptions {
  /** Folder to create (must be missing or empty). */
  dir: string;
  /** npm package name; default: the folder's name. */
  name?: string;
  /** Where `@pipewright/step-sdk` and `@pipewright/step-worker` are linked from; default: this checkout's packages. */
  sdkPath?: string;
  workerPath?: string;
}

export interface ScaffoldResult {
  dir: string;
  name: string;
  /** Step type prefix, e.g. `my-steps` for `my-steps.greet`. */
  prefix: string;
  files: string[];
}

/**
 * Writes a step package: one step, one credential type, a test, a README.  The SDK and the CLI are linked from
 * this checkout (`link:`), so installing needs no registry.
 *
 * @example
 * await scaffoldStepPackage({ dir: '/tmp/my-steps' }); // then: cd /tmp/my-steps && pnpm install && pnpm test
 */
export async function scaffoldStepPackage(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const dir = path.resolve(options.dir);
  const name = options.name ?? path.basename(dir);
  if (!/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/.test(name)) {
    throw new Error(`"${name}" is not a valid npm package name: use lowercase letters, digits and dashes`);
  }
  const prefix = stepPrefixOf(name);
  const existing = await readdir(dir).catch(() => []);
  if (existing.length > 0) throw new Error(`${dir} is not empty`);

  const replacements: Record<string, string> = {
    __NAME__: name,
    __PREFIX__: prefix,
    __TITLE__: titleOf(prefix),
    __SDK_PATH__: path.resolve(options.sdkPath ?? path.join(PACKAGES_DIR, 'step-sdk')),
    __WORKER_PATH__: path.resolve(options.workerPath ?? path.join(PACKAGES_DIR, 'step-worker')),
  };
  const files: string[] = [];
  for (const template of await listFiles(TEMPLATE_DIR)) {
    const relative = outputPathOf(path.relative(TEMPLATE_DIR, template));
    let text = await readFile(template, 'utf8');
    for (const [token, value] of Object.entries(replacements)) text = text.replaceAll(token, value);
    const target = path.join(dir, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
    files.push(relative);
  }
  return { dir, name, prefix, files: files.sort() };
}

/** `@acme/my-steps` → `my-steps`: what step type ids start with (`my-steps.greet`). */
export function stepPrefixOf(name: string): string {
  const bare = name.replace(/^@[^/]+\//, '');
  const prefix = bare
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '');
  if (prefix === '') throw new Error(`cannot derive a step type prefix from "${name}": start it with a letter`);
  return prefix;
}

const titleOf = (prefix: string) =>
  prefix
    .split('-')
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join(' ');

/** `gitignore.tpl` → `.gitignore` (npm would drop a real .gitignore from a published template). */
const outputPathOf = (relative: string) => {
  const withoutSuffix = relative.replace(/\.tpl$/, '');
  return withoutSuffix === 'gitignore' ? '.gitignore' : withoutSuffix;
};

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir)) {
    const full = path.join(dir, entry);
    if ((await stat(full)).isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out;
}
