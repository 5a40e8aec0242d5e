/**
 * A lint wall (`./pw test` runs it after ESLint): every workspace package is reached only through its public API.
 *
 * - A relative import stays inside its own package: `../../runtime/src/loop.ts` from another package reaches past
 *   the API the runtime chose to export.
 * - Every entry a package exports exists.
 * - `@pipewright/<name>/<entry>` must be an entry the package exports (its package.json `exports`), and the importing
 *   package must declare `@pipewright/<name>` among its dependencies — so the dependency graph in the package.json
 *   files is the real one, and pnpm's refusal to link a cycle between packages covers every import.
 *
 * `scripts/` is the toolbox around the workspace and may reach into packages by path.
 *
 *   node scripts/package-boundaries.ts       prints each crossing; exit 1 when there is one
 */
import { existsSync, globSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const PACKAGE_DIRS = ['packages/*', 'packages/connectors/*', 'server', 'worker', 'web', 'e2e'];
/** `import … from '…'`, `export … from '…'` and `import('…')`, across lines; group 1 or 2 is the specifier. */
const IMPORT = /^\s*(?:import|export)\s[^'";]*?\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm;

interface WorkspacePackage {
  dir: string;
  name: string;
  exports: Set<string>;
  dependencies: Set<string>;
}

/** The workspace's packages by folder; `stale` collects export entries whose file is gone. */
function readPackages(stale: string[]): Map<string, WorkspacePackage> {
  const byDir = new Map<string, WorkspacePackage>();
  for (const dir of globSync(PACKAGE_DIRS, { cwd: root })) {
    const file = resolve(root, dir, 'package.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      name: string;
      exports?: Record<string, unknown> | string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const exports = typeof json.exports === 'object' ? Object.keys(json.exports) : ['.'];
    for (const [entry, target] of Object.entries(typeof json.exports === 'object' ? json.exports : {})) {
      if (typeof target === 'string' && !existsSync(resolve(root, dir, target))) {
        stale.push(`${dir}/package.json: exports '${entry}' → ${target}, which does not exist`);
      }
    }
    byDir.set(resolve(root, dir), {
      dir: resolve(root, dir),
      name: json.name,
      exports: new Set(exports),
      dependencies: new Set([...Object.keys(json.dependencies ?? {}), ...Object.keys(json.devDependencies ?? {})]),
    });
  }
  return byDir;
}

export function crossings(): string[] {
  const found: string[] = [];
  const packages = readPackages(found);
  const byName = new Map([...packages.values()].map((pkg) => [pkg.name, pkg]));
  for (const pkg of packages.values()) {
    const files = globSync('{src,test}/**/*.{ts,tsx}', {
      cwd: pkg.dir,
      exclude: (path) => path.includes('node_modules'),
    });
    for (const path of files) {
      const file = resolve(pkg.dir, path);
      const where = relative(root, file);
      for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const specifier = match[1] ?? match[2];
        if (specifier === undefined) continue;
        if (specifier.startsWith('.')) {
          const target = resolve(dirname(file), specifier);
          if (!target.startsWith(`${pkg.dir}/`)) {
            found.push(`${where}: '${specifier}' reaches outside ${pkg.name}; import the other package by name`);
          }
          continue;
        }
        const named = /^(@pipewright\/[^/]+)(\/.*)?$/.exec(specifier);
        if (!named?.[1]) continue;
        const target = byName.get(named[1]);
        if (target === undefined || target === pkg) continue;
        const entry = named[2] ? `.${named[2]}` : '.';
        if (!target.exports.has(entry)) {
          found.push(
            `${where}: '${specifier}' is not an entry ${target.name} exports (${[...target.exports].join(', ')})`,
          );
        }
        if (!pkg.dependencies.has(target.name)) {
          found.push(`${where}: imports ${target.name}, which ${pkg.name}'s package.json does not declare`);
        }
      }
    }
  }
  return found;
}

if (import.meta.main) {
  const found = crossings();
  for (const line of found) console.error(`package boundary: ${line}`);
  console.log(`${found.length} package boundar${found.length === 1 ? 'y' : 'ies'} crossed`);
  process.exit(found.length > 0 ? 1 : 0);
}
