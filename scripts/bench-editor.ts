/**
 * `./pw bench editor` — the flow editor at 100, 800 and 1,000 nodes in headless Chromium (figures printed, never
 * asserted).
 *
 * Builds web/dist (the page is timed as users get it), starts the product with the e2e harness, creates one flow per
 * size through the API (about 1.2 edges per node: lanes of If / Switch / Merge blocks and plain chains, every config
 * valid — the document is compiled here first), then for each size and run, on a fresh tab:
 * - cold load: navigation → every node inside the visible pane is drawn (React Flow measured it, it is not hidden);
 * - pan: requestAnimationFrame deltas during 5 s of mouse drag on the empty pane (p50, p95, max);
 * - node drag: the same while one node is dragged for 3 s;
 * - zoom to fit: the Controls' fit button → every node of the fitted view drawn;
 * - JS heap: CDP `Performance.getMetrics` JSHeapUsedSize at the end, and after a forced GC.
 * Each figure is the median over the runs.
 *
 *   BENCH_EDITOR_SIZES=100,800,1000 BENCH_EDITOR_RUNS=3 ./pw bench editor
 *
 * To compare builds in one sitting (the machine is shared and noisy), build each into its own folder
 * (`vite build --outDir /tmp/before`) and name them: `BENCH_EDITOR_DISTS=before=/tmp/before,after=/tmp/after`.  Runs
 * then alternate between the builds (before, after, before, …), each served in place of web/dist by answering the
 * page's requests for the app from that folder, and web/dist is not built.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { openBrowser } from '../e2e/src/browser.ts';
import { signIn, startProduct } from '../e2e/src/harness.ts';
import { builtinStepDefinitions } from '../packages/builtin-steps/src/index.ts';
import { compileFlow } from '../packages/compiler/src/index.ts';
import { toManifest } from '../packages/step-sdk/src/index.ts';

/** playwright-core is e2e's dependency; its Page type comes through the e2e helper. */
type Page = Awaited<ReturnType<typeof openBrowser>>['page'];

const SIZES = (process.env.BENCH_EDITOR_SIZES ?? '100,800,1000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_EDITOR_RUNS ?? 3);
const PAN_MS = 5_000;
const NODE_DRAG_MS = 3_000;
/** A folder to save what the page showed after load, after zooming in and after fitting (to check the bench). */
const SCREENSHOTS = process.env.BENCH_EDITOR_SCREENSHOTS;
/** A folder for CPU profiles of the pan and the node drag (the build is then left unminified, for readable names). */
const PROFILES = process.env.BENCH_EDITOR_PROFILE;
/** Named built web folders to alternate between (see the header); none: web/dist as the server serves it. */
const DISTS = (process.env.BENCH_EDITOR_DISTS ?? '')
  .split(',')
  .filter(Boolean)
  .map((entry) => {
    const [name = '', folder = ''] = entry.split('=');
    if (!name || !folder || !existsSync(resolve(folder, 'index.html'))) {
      throw new Error(`BENCH_EDITOR_DISTS: "${entry}" is not name=folder with a built index.html`);
    }
    return { name, folder: resolve(folder) };
  });
const COLUMN = 280;
const ROW = 100;

interface BenchNode {
  id: string;
  type: string;
  typeVersion: 1;
  position: { x: number; y: number };
  config: Record<string, unknown>;
}
interface BenchEdge {
  id: string;
  source: string;
  sourcePort: string;
  target: string;
  targetPort: 'in';
}

const configs: Record<string, Record<string, unknown>> = {
  'core.transform': { fields: [{ name: 'n', value: '{{ 1 + 1 }}' }], keepInput: true, remove: [] },
  'http.request': {
    method: 'GET',
    url: 'https://api.example.com/orders',
    headers: {},
    query: {},
    responseFormat: 'auto',
  },
  'core.if': { condition: '{{ input.n > 1 }}' },
  'core.switch': {
    cases: [
      { id: 'small', label: 'Small', condition: '{{ input.n < 10 }}' },
      { id: 'big', label: 'Big', condition: '{{ input.n > 100 }}' },
    ],
    mode: 'first',
  },
  'core.merge': { wait: 'all', combine: 'append' },
};

/**
 * A manual trigger fanning out to lanes; each lane chains blocks left to right: If (true/false → transform → HTTP →
 * Merge), Switch (small/big/default → transform → Merge) and a plain transform → HTTP → transform chain.
 */
function benchFlow(size: number): { schemaVersion: 1; nodes: BenchNode[]; edges: BenchEdge[] } {
  const nodes: BenchNode[] = [];
  const edges: BenchEdge[] = [];
  const add = (type: string, col: number, row: number): string => {
    const id = `n${nodes.length}`;
    nodes.push({ id, type, typeVersion: 1, position: { x: col * COLUMN, y: row * ROW }, config: configs[type] ?? {} });
    return id;
  };
  const link = (source: string, target: string, sourcePort = 'out') =>
    edges.push({ id: `e${edges.length}`, source, sourcePort, target, targetPort: 'in' });
  // About as tall as wide (a lane is 4 rows of 100 px; 14 nodes take 10 columns of 280 px), like the pane.
  const lanes = Math.max(1, Math.round(Math.sqrt(size / 2)));
  const laneHeight = 4;
  const trigger = add('core.manual', 0, ((lanes - 1) * laneHeight) / 2 + 1);
  const laneEnds = Array.from({ length: lanes }, () => ({ last: trigger, col: 1 }));
  for (let block = 0; nodes.length < size; block++) {
    const laneIndex = block % lanes;
    const lane = laneEnds[laneIndex];
    if (!lane) break;
    const top = laneIndex * laneHeight;
    const left = size - nodes.length;
    const kind = left < 6 ? 'chain' : (['if', 'switch', 'chain'] as const)[Math.floor(block / lanes) % 3];
    const col = lane.col;
    if (kind === 'if') {
      const branch = add('core.if', col, top + 1);
      link(lane.last, branch);
      const merge = add('core.merge', col + 3, top + 1);
      for (const [port, row] of [
        ['true', top],
        ['false', top + 2],
      ] as const) {
        const shape = add('core.transform', col + 1, row);
        const call = add('http.request', col + 2, row);
        link(branch, shape, port);
        link(shape, call);
        link(call, merge);
      }
      Object.assign(lane, { last: merge, col: col + 4 });
    } else if (kind === 'switch') {
      const branch = add('core.switch', col, top + 1);
      link(lane.last, branch);
      const merge = add('core.merge', col + 2, top + 1);
      for (const [port, row] of [
        ['small', top],
        ['big', top + 1],
        ['default', top + 2],
      ] as const) {
        const shape = add('core.transform', col + 1, row);
        link(branch, shape, port);
        link(shape, merge);
      }
      Object.assign(lane, { last: merge, col: col + 3 });
    } else {
      let last = lane.last;
      const length = Math.min(3, size - nodes.length);
      for (let i = 0; i < length; i++) {
        const next = add(i % 2 ? 'http.request' : 'core.transform', col + i, top + 1);
        link(last, next);
        last = next;
      }
      Object.assign(lane, { last, col: col + length });
    }
  }
  return { schemaVersion: 1, nodes, edges };
}

/** In the page: frame deltas and "is every node inside the pane drawn?", against the flow's own positions. */
const PAGE_HELPERS = `
window.__bench = {
  nodes: [],
  startFrames() {
    const run = { deltas: [], running: true };
    let last = performance.now();
    const tick = (now) => { if (!run.running) return; run.deltas.push(now - last); last = now; requestAnimationFrame(tick); };
    requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
    this.frames = run;
  },
  stopFrames() { this.frames.running = false; return this.frames.deltas; },
  /** Ids of the flow's nodes wholly inside the pane under the current viewport transform. */
  expectedVisible() {
    const pane = document.querySelector('.react-flow');
    const viewport = document.querySelector('.react-flow__viewport');
    if (!pane || !viewport) return null;
    const rect = pane.getBoundingClientRect();
    const m = new DOMMatrix(getComputedStyle(viewport).transform);
    const ids = [];
    for (const [id, x, y] of this.nodes) {
      const left = m.e + x * m.a, top = m.f + y * m.a;
      if (left >= 0 && top >= 0 && left + 220 * m.a <= rect.width && top + 56 * m.a <= rect.height) ids.push(id);
    }
    return ids;
  },
  isViewDrawn() {
    const expected = this.expectedVisible();
    if (!expected || expected.length === 0) return false;
    const drawn = new Set();
    for (const el of document.querySelectorAll('.react-flow__node')) {
      if (el.style.visibility !== 'hidden') drawn.add(el.getAttribute('data-id'));
    }
    return expected.every((id) => drawn.has(id));
  },
  /** Resolves with performance.now() of the first frame in which the view is drawn (rejects after 2 minutes). */
  whenViewDrawn() {
    return new Promise((done, fail) => {
      setTimeout(() => fail(new Error('the editor did not draw its nodes within 2 minutes: ' + location.href)), 120000);
      // Drawn in this frame: the time is taken in the next one, after the browser painted it.
      const check = () =>
        this.isViewDrawn() ? requestAnimationFrame(() => done(performance.now())) : requestAnimationFrame(check);
      check();
    });
  },
  fit() {
    const t0 = performance.now();
    document.querySelector('.react-flow__controls-fitview').click();
    return new Promise((done) => requestAnimationFrame(() => this.whenViewDrawn().then((t) => done(t - t0))));
  },
  /** A point of the empty pane near its centre (where a drag pans rather than moves a node). */
  emptyPanePoint() {
    const rect = document.querySelector('.react-flow').getBoundingClientRect();
    const cx = rect.left + rect.width / 2, cy = rect.top + rect.height / 2;
    for (let r = 0; r < Math.max(rect.width, rect.height) / 2; r += 8) {
      for (let a = 0; a < 16; a++) {
        const x = cx + r * Math.cos((a * Math.PI) / 8), y = cy + r * Math.sin((a * Math.PI) / 8);
        if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) return { x, y };
      }
    }
    return { x: cx, y: cy };
  },
  /** The centre of the drawn node nearest the pane's centre. */
  centralNode() {
    const rect = document.querySelector('.react-flow').getBoundingClientRect();
    const cx = rect.left + rect.width / 2, cy = rect.top + rect.height / 2;
    let best = null;
    for (const el of document.querySelectorAll('.react-flow__node')) {
      const r = el.getBoundingClientRect();
      const x = r.left + r.width / 2, y = r.top + r.height / 2;
      const d = Math.hypot(x - cx, y - cy);
      if (!best || d < best.d) best = { x, y, d };
    }
    return best;
  },
};`;

interface Point {
  x: number;
  y: number;
}
interface Figures {
  load: number;
  pan: number[];
  drag: number[];
  fit: number;
  heap: number;
  heapAfterGc: number;
  drawn: number;
}

/** Moves the pressed mouse along a horizontal sine around `from` until `ms` have passed; frame deltas meanwhile. */
async function dragFor(
  page: Page,
  gesture: { from: Point; ms: number; amplitude: number; profile: string },
): Promise<number[]> {
  const { from, ms, amplitude } = gesture;
  const cdp = PROFILES ? await page.context().newCDPSession(page) : null;
  await cdp?.send('Profiler.enable');
  await cdp?.send('Profiler.start');
  // Most of a frame is style, layout, paint and compositing, which only a trace breaks down.
  const browser = page.context().browser();
  if (PROFILES) await browser?.startTracing(page, { path: resolve(PROFILES, `${gesture.profile}.trace.json`) });
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.evaluate('__bench.startFrames()');
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    const phase = ((Date.now() - t0) / 1000) * 2 * Math.PI;
    await page.mouse.move(from.x + amplitude * Math.sin(phase), from.y + (amplitude / 3) * Math.sin(phase / 2));
  }
  const deltas = (await page.evaluate('__bench.stopFrames()')) as number[];
  await page.mouse.up();
  if (cdp && PROFILES) {
    await browser?.stopTracing();
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(resolve(PROFILES, `${gesture.profile}.cpuprofile`), JSON.stringify(profile));
    await cdp.detach();
  }
  return deltas.slice(1);
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

/** Answers the page's requests for the app (everything but the API) from a built folder, as the server would. */
async function serveDist(page: Page, folder: string): Promise<void> {
  const isApi = (url: URL) => url.pathname.startsWith('/api/') || url.pathname.startsWith('/hooks/');
  await page.route(
    (url) => !isApi(url),
    (route) => {
      const path = resolve(folder, `.${new URL(route.request().url()).pathname}`);
      const file =
        path.startsWith(folder) && existsSync(path) && statSync(path).isFile() ? path : `${folder}/index.html`;
      return route.fulfill({
        body: readFileSync(file),
        contentType: contentTypes[extname(file)] ?? 'application/octet-stream',
      });
    },
  );
}

async function measure(page: Page, url: string): Promise<Figures> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  // Profiled, the page first opens the app's start page, so that the editor's navigation stays in the renderer
  // process the profiler is attached to (the load is then not quite cold).
  const profiler = PROFILES ? await page.context().newCDPSession(page) : null;
  if (profiler) {
    await page.goto(new URL('/', url).href);
    await profiler.send('Profiler.enable');
    await profiler.send('Profiler.start');
  }
  await page.goto(url);
  const load = (await page.evaluate('__bench.whenViewDrawn()')) as number;
  if (profiler && PROFILES) {
    const { profile } = await profiler.send('Profiler.stop');
    writeFileSync(resolve(PROFILES, 'load.cpuprofile'), JSON.stringify(profile));
    await profiler.detach();
  }
  const shot = async (name: string) => {
    if (SCREENSHOTS) await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`) });
  };
  await shot('loaded');
  const drawn = (await page.evaluate(`document.querySelectorAll('.react-flow__node').length`)) as number;
  const panFrom = (await page.evaluate('__bench.emptyPanePoint()')) as Point;
  const pan = await dragFor(page, { from: panFrom, ms: PAN_MS, amplitude: 200, profile: 'pan' });
  const node = (await page.evaluate('__bench.centralNode()')) as Point | null;
  if (!node) throw new Error('no node drawn to drag');
  const drag = await dragFor(page, { from: node, ms: NODE_DRAG_MS, amplitude: 120, profile: 'node-drag' });
  // Zoom in on the centre first, so fitting the view has work to do.
  const centre = (await page.evaluate('__bench.emptyPanePoint()')) as Point;
  await page.mouse.move(centre.x, centre.y);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -200);
  await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
  await shot('zoomed-in');
  const fit = (await page.evaluate('__bench.fit()')) as number;
  await shot('fitted');
  const heapOf = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return (metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? Number.NaN) / 1048576;
  };
  const heap = await heapOf();
  await cdp.send('HeapProfiler.collectGarbage');
  const heapAfterGc = await heapOf();
  await cdp.detach();
  return { load, pan, drag, fit, heap, heapAfterGc, drawn };
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const median = (values: number[]) => quantile(values, 0.5);
const frames = (deltas: number[]) => ({ p50: median(deltas), p95: quantile(deltas, 0.95), max: Math.max(...deltas) });

const buildArgs = [
  'node_modules/vite/bin/vite.js',
  'build',
  '--logLevel',
  'warn',
  ...(PROFILES ? ['--minify', 'false'] : []),
];
if (DISTS.length === 0) {
  const built = spawnSync(process.execPath, buildArgs, {
    cwd: resolve(import.meta.dirname, '../web'),
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('web build failed');
}
const builds = DISTS.length > 0 ? DISTS : [{ name: '', folder: '' }];

const manifests = new Map(builtinStepDefinitions.map(toManifest).map((m) => [m.type, m]));
const product = await startProduct();
const { browser, page: first } = await openBrowser();
try {
  if (builds[0]?.folder) await serveDist(first, builds[0].folder);
  await signIn(first, product);
  const signedIn = await first.context().storageState();
  const rows: string[] = [];
  for (const size of SIZES) {
    const document = benchFlow(size);
    const compiled = compileFlow(
      document,
      { get: (type) => manifests.get(type) },
      { flowId: 'bench', version: 1, defaultTaskQueue: 'bench' },
    );
    if (!compiled.ok) throw new Error(`the ${size}-node flow does not compile: ${JSON.stringify(compiled.errors[0])}`);
    const response = await product.api('/api/flows', {
      method: 'POST',
      body: JSON.stringify({ name: `Editor bench ${size}`, document }),
    });
    if (!response.ok) throw new Error(`creating the ${size}-node flow: ${response.status} ${await response.text()}`);
    const flow = (await response.json()) as { id: string };
    const positions = JSON.stringify(document.nodes.map((node) => [node.id, node.position.x, node.position.y]));
    const runs = new Map<string, Figures[]>(builds.map((build) => [build.name, []]));
    for (let run = 0; run < RUNS; run++) {
      for (const build of builds) {
        // A new context per run: nothing cached, the session cookie carried over.
        const context = await browser.newContext({ viewport: first.viewportSize(), storageState: signedIn });
        const page = await context.newPage();
        page.setDefaultTimeout(60_000);
        if (build.folder) await serveDist(page, build.folder);
        await page.addInitScript(`${PAGE_HELPERS}\nwindow.__bench.nodes = ${positions};`);
        const figures = await measure(page, `${product.baseUrl}/flows/${flow.id}`);
        await context.close();
        runs.get(build.name)?.push(figures);
        const pan = frames(figures.pan);
        const drag = frames(figures.drag);
        console.log(
          `  ${size} nodes${build.name ? ` (${build.name})` : ''}, run ${run + 1}: load ${figures.load.toFixed(0)} ms ` +
            `(${figures.drawn} drawn), pan p50/p95/max ${pan.p50.toFixed(1)}/${pan.p95.toFixed(1)}/` +
            `${pan.max.toFixed(1)} ms (${figures.pan.length} frames), drag ${drag.p50.toFixed(1)}/` +
            `${drag.p95.toFixed(1)}/${drag.max.toFixed(1)} ms, fit ${figures.fit.toFixed(0)} ms, heap ` +
            `${figures.heap.toFixed(0)} MB (${figures.heapAfterGc.toFixed(0)} after GC)`,
        );
      }
    }
    for (const [name, figures] of runs) {
      const of = (pick: (figures: Figures) => number) => median(figures.map(pick)).toFixed(1);
      rows.push(
        `| ${name ? `${name} ` : ''}${String(size).padStart(5)} | ${String(document.edges.length).padStart(5)} | ` +
          `${of((f) => f.load).padStart(8)} | ` +
          `${of((f) => frames(f.pan).p50)} / ${of((f) => frames(f.pan).p95)} / ${of((f) => frames(f.pan).max)} | ` +
          `${of((f) => frames(f.drag).p50)} / ${of((f) => frames(f.drag).p95)} / ${of((f) => frames(f.drag).max)} | ` +
          `${of((f) => f.fit).padStart(6)} | ${of((f) => f.heap)} (${of((f) => f.heapAfterGc)}) |`,
      );
    }
  }
  console.log(`\nEditor in Chromium, median of ${RUNS} runs (ms; heap in MB, after a forced GC in brackets):`);
  console.log(
    '| nodes | edges | cold load | pan frame p50 / p95 / max | node-drag frame p50 / p95 / max | fit | JS heap |',
  );
  console.log(
    '|------:|------:|----------:|---------------------------|---------------------------------|----:|--------:|',
  );
  for (const row of rows) console.log(row);
} finally {
  await browser.close();
  await product.stop();
}
