/**
 * A lint wall (`./pw test` runs it after ESLint): no two source files import values from each other in a loop.  A
 * cycle means two files are one concept in two places — or an order of evaluation that works by luck.  Type-only
 * imports are erased and do not count.  Workspace packages cannot form a cycle between them (pnpm refuses to link
 * one), so relative imports are what is followed here.
 *
 *   node scripts/import-cycles.ts            prints each cycle; exit 1 when there is one
 */
import { globSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const SOURCES = '{packages/**/src,server/src,worker/src,web/src,e2e/src,scripts}/**/*.{ts,tsx}';
/** `import … from './x.ts'` and `export … from './x.ts'`, across lines; group 1 is `type` for a type-only one. */
const RELATIVE_IMPORT = /^\s*(?:import|export)\s+(type\s+)?[^'";]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gm;

export function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const match of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      if (match[1] || !match[2]) continue;
      const target = resolve(dirname(file), match[2]);
      if (known.has(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components of more than one file (Tarjan), each a cycle of value imports. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    order.set(file, next);
    low.set(file, next);
    next++;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!order.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file) ?? 0, order.get(target) ?? 0));
      }
    }
    if (low.get(file) !== order.get(file)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!order.has(file)) visit(file);
  return found;
}

if (import.meta.main) {
  const files = globSync(SOURCES, { cwd: root, exclude: (path) => path.includes('node_modules') })
    .filter((path) => !/\.(test|spec)\.tsx?$/.test(path))
    .map((path) => resolve(root, path));
  const found = cycles(importGraph(files));
  for (const cycle of found) console.error(`import cycle: ${cycle.map((file) => relative(root, file)).join(' ↔ ')}`);
  console.log(`${files.length} source files, ${found.length} import cycle${found.length === 1 ? '' : 's'}`);
  process.exit(found.length > 0 ? 1 : 0);
}
