/**
 * Mutation testing of the pure packages with StrykerJS: how many deliberately broken copies of a package's code its
 * own unit tests catch.  Slow by nature (every mutant reruns the tests that reach it), so it is not part of
 * `./pw test`.
 *
 *   node scripts/mutation.ts                      every pure package, one after the other
 *   node scripts/mutation.ts compiler runtime     only these
 *   node scripts/mutation.ts --force              ignore the previous results and test every mutant again
 *   node scripts/mutation.ts --survivors          also list the mutants no test caught (file:line, mutator, replacement)
 *
 * Per package: Stryker runs in packages/<name> (its sandbox copies land in packages/<name>/.stryker-tmp), mutates
 * src/**\/*.ts except tests and test fixtures, throws away mutants that do not type-check against the package's
 * tsconfig, and runs the package's *.test.ts files with the tap runner (node:test prints TAP when its output is not a
 * terminal), only the files that reach the mutant.  Results go to reports/mutation/<name>/ (HTML report, JSON report,
 * Stryker's incremental file): the next run reuses the outcome of every mutant whose code and tests did not change —
 * a change in a *dependency* package is not noticed, hence --force.  The machine is shared, so one test process at a
 * time, at the lowest CPU priority.
 *
 * "There were failed tests in the initial test run" for a file that passes under `node --test`: its TAP output is
 * one the tap runner's parser cannot read — a raw U+2028 in a test name does it (escape it in the name).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const purePackages = ['flow', 'compiler', 'runtime', 'expression', 'step-sdk'];
/** Files under src/ that only tests import: mutating them measures nothing. */
const testHelpers: Partial<Record<string, string[]>> = {
  compiler: ['src/test-fixtures.ts'],
  expression: ['src/linear-regexp-fixtures.ts'],
};

const args = process.argv.slice(2);
const flags = new Set(args.filter((arg) => arg.startsWith('--')));
const unknownFlags = [...flags].filter((flag) => !['--force', '--survivors'].includes(flag));
const requested = args.filter((arg) => !arg.startsWith('--'));
const unknownPackages = requested.filter((name) => !purePackages.includes(name));
if (unknownFlags.length || unknownPackages.length) {
  console.error(`unknown ${[...unknownFlags, ...unknownPackages].join(', ')}`);
  console.error(`usage: node scripts/mutation.ts [--force] [--survivors] [${purePackages.join('|')} ...]`);
  process.exit(2);
}
const packages = requested.length ? requested : purePackages;

const rows: Row[] = [];
let failed = false;
for (const name of packages) {
  const started = Date.now();
  const reportDir = resolve(root, 'reports/mutation', name);
  const jsonReport = resolve(reportDir, 'mutation.json');
  const code = await runStryker(name, reportDir, jsonReport);
  const seconds = (Date.now() - started) / 1000;
  if (code !== 0 || !existsSync(jsonReport)) {
    console.error(`[mutation] ${name}: Stryker exited with ${code}`);
    failed = true;
    rows.push({ name, seconds, counts: undefined, report: relative(root, reportDir) });
    continue;
  }
  const mutants = readMutants(jsonReport);
  rows.push({ name, seconds, counts: count(mutants), report: relative(root, resolve(reportDir, 'index.html')) });
  if (flags.has('--survivors')) printSurvivors(name, mutants);
}
printTable(rows);
process.exit(failed ? 1 : 0);

interface Row {
  name: string;
  seconds: number;
  counts: Counts | undefined;
  report: string;
}

function runStryker(name: string, reportDir: string, jsonReport: string): Promise<number> {
  const packageDir = resolve(root, 'packages', name);
  mkdirSync(reportDir, { recursive: true });
  const config = {
    // pnpm keeps Stryker's plugins out of the directory its "@stryker-mutator/*" glob searches: name them.
    plugins: ['@stryker-mutator/tap-runner', '@stryker-mutator/typescript-checker'].map((plugin) =>
      import.meta.resolve(plugin),
    ),
    mutate: ['src/**/*.ts', '!src/**/*.test.ts', ...(testHelpers[name] ?? []).map((glob) => `!${glob}`)],
    testRunner: 'tap',
    tap: { testFiles: ['src/**/*.test.ts'], nodeArgs: ['--test-reporter=tap'] },
    coverageAnalysis: 'perTest',
    checkers: ['typescript'],
    tsconfigFile: 'tsconfig.json',
    concurrency: 1,
    // A niced process on a busy machine is slow: do not mistake that for an endless loop.
    timeoutMS: 10_000,
    incremental: true,
    force: flags.has('--force'),
    incrementalFile: resolve(reportDir, 'incremental.json'),
    reporters: ['html', 'json', 'clear-text', 'progress-append-only'],
    htmlReporter: { fileName: resolve(reportDir, 'index.html') },
    jsonReporter: { fileName: jsonReport },
    clearTextReporter: { reportMutants: false, reportTests: false, allowColor: Boolean(process.stdout.isTTY) },
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
    allowConsoleColors: Boolean(process.stdout.isTTY),
  };
  const configFile = resolve(reportDir, 'stryker.config.json');
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  const stryker = resolve(root, 'node_modules/@stryker-mutator/core/bin/stryker.js');
  console.error(`[mutation] ${name}: Stryker in packages/${name}, config ${relative(root, configFile)}`);
  const child = spawn('nice', ['-n', '19', process.execPath, stryker, 'run', configFile], {
    cwd: packageDir,
    // The tap runner starts every test file with the `node` on PATH: make that this Node (24, type stripping).
    // Each mutant starts fresh test processes: V8's code cache spares them recompiling zod, jsonata and the rest.
    env: {
      ...process.env,
      PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
      NODE_COMPILE_CACHE: resolve(root, '.stryker-tmp/node-compile-cache'),
    },
    stdio: 'inherit',
  });
  return new Promise((done) => child.once('exit', (exitCode) => done(exitCode ?? 1)));
}

/** The part of Stryker's JSON report (mutation-testing-report-schema) read here. */
interface Mutant {
  file: string;
  line: number;
  mutatorName: string;
  replacement: string;
  status: string;
}

function readMutants(jsonReport: string): Mutant[] {
  const report: unknown = JSON.parse(readFileSync(jsonReport, 'utf8'));
  const files = isRecord(report) && isRecord(report.files) ? report.files : {};
  return Object.entries(files).flatMap(([file, entry]) => {
    const mutants = isRecord(entry) && Array.isArray(entry.mutants) ? entry.mutants : [];
    return mutants.filter(isRecord).map((mutant) => ({
      file,
      line: isRecord(mutant.location) && isRecord(mutant.location.start) ? Number(mutant.location.start.line) : 0,
      mutatorName: String(mutant.mutatorName),
      replacement: String(mutant.replacement ?? ''),
      status: String(mutant.status),
    }));
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

interface Counts {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Mutants that do not compile or crash the test process: not counted in the score. */
  invalid: number;
  score: number;
}

/** Stryker's mutation score: detected (killed or timed out) over every valid mutant, survivors and uncovered alike. */
function count(mutants: Mutant[]): Counts {
  const of = (status: string) => mutants.filter((mutant) => mutant.status === status).length;
  const killed = of('Killed');
  const timeout = of('Timeout');
  const survived = of('Survived');
  const noCoverage = of('NoCoverage');
  const valid = killed + timeout + survived + noCoverage;
  return {
    killed,
    timeout,
    survived,
    noCoverage,
    invalid: of('CompileError') + of('RuntimeError'),
    score: valid ? ((killed + timeout) / valid) * 100 : Number.NaN,
  };
}

function printSurvivors(name: string, mutants: Mutant[]): void {
  const survivors = mutants.filter((mutant) => mutant.status === 'Survived' || mutant.status === 'NoCoverage');
  console.log(`\n${name}: ${survivors.length} mutants survived`);
  for (const mutant of survivors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)) {
    const replacement = mutant.replacement.replace(/\s+/g, ' ').slice(0, 100);
    const uncovered = mutant.status === 'NoCoverage' ? ' (no test reaches it)' : '';
    console.log(`  ${mutant.file}:${mutant.line}  ${mutant.mutatorName}  → ${replacement}${uncovered}`);
  }
}

function printTable(table: Row[]): void {
  const header = ['package', 'score', 'killed', 'timeout', 'survived', 'no cov', 'invalid', 'time', 'report'];
  const lines = table.map(({ name, seconds, counts, report }) => [
    name,
    counts ? `${counts.score.toFixed(2)} %` : 'failed',
    ...(counts
      ? [counts.killed, counts.timeout, counts.survived, counts.noCoverage, counts.invalid].map(String)
      : ['', '', '', '', '']),
    `${Math.floor(seconds / 60)}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`,
    report,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)),
  );
  const isText = (column: number) => column === 0 || column === header.length - 1;
  const format = (cells: string[]) =>
    cells
      .map((cell, column) => (isText(column) ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  console.log(`\nMutation score (detected / valid mutants)\n${format(header)}`);
  for (const line of lines) console.log(format(line));
}
