/**
 * A lint wall (`./pw test` runs it after ESLint): the apps' folders follow their rule (web/README.md,
 * server/README.md).
 *
 * - web/src: imports point down — `main.tsx` → `app/` → feature folders → shared folders — and the few imports
 *   between features go one way; inside `editor/`, the page imports its parts and the parts import down.  Types
 *   count too: a folder that names another's types knows about it.
 * - server/src: feature folders (routes → service → repository) never import each other in a loop at run time;
 *   type-only imports are erased, and the app's wiring (`app.ts`) passes services across.
 *
 * An edge missing from the web's table is either a new dependency to add deliberately (here and in the README) or
 * code in the wrong folder.
 *
 *   node scripts/folder-rules.ts       prints each broken rule; exit 1 when there is one
 */
import { globSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { cycles } from './import-cycles.ts';

const root = resolve(import.meta.dirname, '..');

const WEB_SHARED = ['api', 'canvas', 'routing', 'ui'];
const WEB_FEATURES = [
  'alerts',
  'approvals',
  'auth',
  'credentials',
  'editor',
  'failures',
  'flows',
  'limits',
  'operations',
  'runs',
];
const WEB_MAY_IMPORT: Record<string, readonly string[]> = {
  // ui/: the app-wide toast provider.
  'main.tsx': ['app', 'api', 'ui', 'styles.css'],
  app: [...WEB_FEATURES, ...WEB_SHARED],
  auth: WEB_SHARED,
  // A rule's channels pick the workspace's credentials (the list the credentials page reads).
  alerts: ['credentials', ...WEB_SHARED],
  // Kill switches (pause a flow, a connector type, a credential): placed in the editor's toolbar and credentials page.
  pauses: WEB_SHARED,
  credentials: ['pauses', ...WEB_SHARED],
  flows: WEB_SHARED,
  runs: WEB_SHARED,
  // The health dashboards (links to a flow's runs by path, not by importing runs/).
  operations: WEB_SHARED,
  // The failed-runs queue (links to runs by path, not by importing runs/).
  failures: WEB_SHARED,
  // Approvals: the page and the nav's badge (links to runs by path, not by importing runs/).
  approvals: WEB_SHARED,
  // The workspace's rate limits per connector.
  limits: WEB_SHARED,
  editor: ['runs', 'credentials', 'pauses', ...WEB_SHARED],
  api: [],
  canvas: [],
  routing: [],
  ui: [],
};
/** Inside editor/: the page and its top bar at the root, then palette and inspector, then fields, then data mapping. */
const EDITOR_MAY_IMPORT: Record<string, readonly string[]> = {
  '': ['palette', 'inspector', 'fields', 'data-mapping', 'gestures', 'draft-test', 'rollout'],
  // "Test against recent runs": a dialog placed by the top bar.
  'draft-test': [],
  // Staged rollout: the "Roll out…" dialog and the rollout panel, placed by the top bar.
  rollout: [],
  // Copy/paste, duplicate, auto-layout, align, find and the shortcuts dialog: placed by the page and its top bar.
  gestures: [],
  palette: [],
  inspector: ['fields', 'data-mapping'],
  fields: ['data-mapping'],
  'data-mapping': [],
};

/** `import … from './x'`, `export … from './x'` and side-effect imports; group 1 is `type` for a type-only one. */
const RELATIVE_IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\bfrom\s+)?'(\.{1,2}\/[^']+)'/gm;

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

/** Relative imports of the sources under `dir` (tests included), as paths relative to `dir`. */
function edges(dir: string): Edge[] {
  const found: Edge[] = [];
  for (const from of globSync('**/*.{ts,tsx}', { cwd: dir })) {
    for (const match of readFileSync(resolve(dir, from), 'utf8').matchAll(RELATIVE_IMPORT)) {
      const to = relative(dir, resolve(dir, dirname(from), match[2] ?? ''));
      found.push({ from, to, typeOnly: match[1] !== undefined });
    }
  }
  return found;
}

const folderOf = (path: string) => path.split('/')[0] ?? path;
const editorPartOf = (path: string) => {
  const parts = path.split('/');
  return parts.length > 2 ? (parts[1] ?? '') : '';
};
const foldersIn = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);

export function webFolderRule(dir = resolve(root, 'web/src')): string[] {
  const wrong: string[] = [];
  for (const { from, to } of edges(dir)) {
    if (to.startsWith('..')) {
      wrong.push(`web/src/${from}: imports ${to}, outside web/src`);
      continue;
    }
    const [fromFolder, toFolder] = [folderOf(from), folderOf(to)];
    if (fromFolder === toFolder) {
      const [fromPart, toPart] = [editorPartOf(from), editorPartOf(to)];
      if (fromFolder === 'editor' && fromPart !== toPart && !EDITOR_MAY_IMPORT[fromPart]?.includes(toPart)) {
        wrong.push(`web/src/${from}: editor/${fromPart || '(root)'} may not import editor/${toPart || '(root)'}`);
      }
      continue;
    }
    if (!WEB_MAY_IMPORT[fromFolder]?.includes(toFolder)) {
      wrong.push(`web/src/${from}: ${fromFolder} may not import ${toFolder} (${to})`);
    }
  }
  for (const folder of foldersIn(dir)) {
    if (!(folder in WEB_MAY_IMPORT)) wrong.push(`web/src/${folder}/: a folder the rule does not place`);
  }
  for (const part of foldersIn(resolve(dir, 'editor'))) {
    if (!(part in EDITOR_MAY_IMPORT)) wrong.push(`web/src/editor/${part}/: a part the rule does not place`);
  }
  return wrong;
}

export function serverFolderRule(dir = resolve(root, 'server/src')): string[] {
  const graph = new Map<string, string[]>();
  for (const { from, to, typeOnly } of edges(dir)) {
    if (typeOnly || /\.test\.ts$/.test(from)) continue;
    const [fromFolder, toFolder] = [folderOf(from), folderOf(to)];
    // Top-level files are the app's wiring and what every feature shares: not a feature folder.
    if (fromFolder === toFolder || !to.includes('/') || !from.includes('/')) continue;
    graph.set(fromFolder, [...(graph.get(fromFolder) ?? []), toFolder]);
    if (!graph.has(toFolder)) graph.set(toFolder, []);
  }
  return cycles(graph).map((loop) => `server/src: feature folders ${loop.join(' ↔ ')} import each other in a loop`);
}

if (import.meta.main) {
  const wrong = [...webFolderRule(), ...serverFolderRule()];
  for (const line of wrong) console.error(`folder rule: ${line}`);
  console.log(`${wrong.length} folder rule${wrong.length === 1 ? '' : 's'} broken`);
  process.exit(wrong.length > 0 ? 1 : 0);
}
