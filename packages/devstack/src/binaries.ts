import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The dev stack's two Go programs, pinned.  Built once with the local Go toolchain (from the Go module proxy) and
 * cached per version under ~/.cache/pipewright/go, so no test run ever rebuilds them.  Where Go is absent they come
 * from the projects' official release downloads instead.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const FERRETDB_VERSION = 'v1.24.2';
/**
 * The Temporal server itself (`./pw cluster`): the server line the pinned CLI embeds, and the image tag
 * docker-compose.yml runs, so the cluster here and the compose file run the same engine.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
/** Docker Compose v2, only to check docker-compose.yml (`docker compose config`); no Docker engine runs here. */
export const COMPOSE_VERSION = 'v2.29.7';

export const cacheRoot = (): string =>
  process.env.PIPEWRIGHT_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'pipewright');

type Log = (line: string) => void;

export function ensureTemporalCli(log: Log = console.error): string {
  const dir = join(cacheRoot(), 'go', `temporal-${TEMPORAL_CLI_VERSION}`);
  const binary = join(dir, 'temporal');
  if (existsSync(binary)) return binary;
  return withInstallLock(dir, binary, () => {
    if (hasGo()) {
      // Later tags carry a `replace` directive in go.mod, which `go install pkg@version` refuses; v1.5.1 installs.
      log(`[devstack] building Temporal CLI ${TEMPORAL_CLI_VERSION} with go install (first run only, a few minutes)`);
      run('go', ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`], { GOBIN: dir });
    } else {
      const version = TEMPORAL_CLI_VERSION.slice(1);
      const url = `https://temporal.download/cli/archive/v${version}?platform=${goOs()}&arch=${goArch()}`;
      log(`[devstack] Go not found; downloading Temporal CLI from ${url}`);
      run('sh', ['-c', `curl -fsSL "${url}" | tar -xz -C "${dir}" temporal`], {});
    }
  });
}

export interface TemporalServerBinaries {
  /** `temporal-server`: frontend, history, matching and worker services in one process. */
  server: string;
  /** `temporal-sql-tool`: creates the databases and applies the schema's versioned migrations. */
  sqlTool: string;
}

/**
 * The Temporal server and its SQL schema tool, built once from the module proxy (the module installs with plain
 * `go install`; both commands come from the same module version) and cached beside the CLI.
 */
export function ensureTemporalServer(log: Log = console.error): TemporalServerBinaries {
  const dir = join(cacheRoot(), 'go', `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  // `go install` names each binary after its package folder.
  const binaries = { server: join(dir, 'server'), sqlTool: join(dir, 'sql') };
  if (existsSync(binaries.server) && existsSync(binaries.sqlTool)) return binaries;
  withInstallLock(dir, binaries.sqlTool, () => {
    if (!hasGo()) throw new Error('Go is needed to build the Temporal server for ./pw cluster (https://go.dev/dl)');
    log(`[devstack] building Temporal server ${TEMPORAL_SERVER_VERSION} with go install (first run only, ~10 minutes)`);
    const module = 'go.temporal.io/server';
    run('go', ['install', `${module}/cmd/server@${TEMPORAL_SERVER_VERSION}`], { GOBIN: dir });
    run('go', ['install', `${module}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`], { GOBIN: dir });
  });
  return binaries;
}

/**
 * Patches applied to FerretDB's source before it is built (patches/README.md says why each exists).  Their hash is
 * part of the cache folder's name, so a changed patch builds again and an older build is never picked up.
 */
const FERRETDB_PATCHES = [
  join(dirname(fileURLToPath(import.meta.url)), '../../../patches/ferretdb-v1.24.2-sqlite-id-index.patch'),
];

const patchesTag = (patches: readonly string[]): string => {
  const hash = createHash('sha256');
  for (const patch of patches) hash.update(readFileSync(patch));
  return hash.digest('hex').slice(0, 8);
};

export function ensureFerretDb(log: Log = console.error): string {
  const dir = join(cacheRoot(), 'go', `ferretdb-${FERRETDB_VERSION}-p${patchesTag(FERRETDB_PATCHES)}`);
  const binary = join(dir, 'ferretdb');
  if (existsSync(binary)) return binary;
  return withInstallLock(dir, binary, () => {
    if (hasGo()) {
      log(`[devstack] building FerretDB ${FERRETDB_VERSION} with Go (first run only, a few minutes)`);
      buildFerretDbFromModuleProxy(binary);
    } else {
      const url = `https://github.com/FerretDB/FerretDB/releases/download/${FERRETDB_VERSION}/ferretdb-${goOs()}-${goArch()}`;
      // The release binary has not got the patches: it works, and every lookup by _id scans its collection.
      log(`[devstack] Go not found; downloading FerretDB from ${url} (unpatched: slower lookups by _id)`);
      run('curl', ['-fsSL', '-o', binary, url], {});
      chmodSync(binary, 0o755);
    }
  });
}

export function ensureComposeCli(log: Log = console.error): string {
  const dir = join(cacheRoot(), 'go', `compose-${COMPOSE_VERSION}`);
  // `go install` names the binary after its package folder (`cmd`).
  const binary = join(dir, 'cmd');
  if (existsSync(binary)) return binary;
  return withInstallLock(dir, binary, () => {
    if (!hasGo()) throw new Error('Go is needed to build Docker Compose for the compose-file check');
    log(`[devstack] building Docker Compose ${COMPOSE_VERSION} with go install (first run only, ~2 minutes)`);
    run('go', ['install', `github.com/docker/compose/v2/cmd@${COMPOSE_VERSION}`], { GOBIN: dir });
  });
}

/**
 * `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` does not work from the module proxy, for two
 * reasons: the proxy answers 403 to the module's version list (which `go install` reads to check deprecation), and
 * the module zip lacks build/version/version.txt, which FerretDB embeds and panics without.  So: a throwaway module
 * requires the pinned version, replaces it with a copy of the module-cache source plus version.txt and our patches
 * (`git apply`, which works outside a repository), and builds.
 */
function buildFerretDbFromModuleProxy(binary: string): void {
  const work = join(tmpdir(), `pipewright-ferretdb-build-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const module = 'github.com/FerretDB/FerretDB';
  writeFileSync(
    join(work, 'go.mod'),
    `module pipewright.local/ferretdb\n\ngo 1.24\n\nrequire ${module} ${FERRETDB_VERSION}\n`,
  );
  writeFileSync(join(work, 'tools.go'), `//go:build tools\n\npackage tools\n\nimport _ "${module}/cmd/ferretdb"\n`);
  run('go', ['mod', 'download', `${module}@${FERRETDB_VERSION}`], {}, work);
  const source = spawnSync('go', ['list', '-m', '-f', '{{.Dir}}', `${module}@${FERRETDB_VERSION}`], {
    cwd: work,
    encoding: 'utf8',
  }).stdout.trim();
  if (!source) throw new Error('could not locate the FerretDB module source after go mod download');
  const copy = join(work, 'src');
  cpSync(source, copy, { recursive: true });
  run('chmod', ['-R', 'u+w', copy], {});
  writeFileSync(join(copy, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
  for (const patch of FERRETDB_PATCHES) run('git', ['apply', '--verbose', patch], {}, copy);
  writeFileSync(
    join(work, 'go.mod'),
    `module pipewright.local/ferretdb\n\ngo 1.24\n\nrequire ${module} ${FERRETDB_VERSION}\n\nreplace ${module} => ./src\n`,
  );
  run('go', ['mod', 'tidy'], {}, work);
  run('go', ['build', '-o', binary, `${module}/cmd/ferretdb`], {}, work);
  rmSync(work, { recursive: true, force: true });
}

/** Builds into a temp name and renames, under a lock folder, so parallel test processes never see half a binary. */
function withInstallLock(dir: string, binary: string, install: () => void): string {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, '.lock');
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(binary)) return binary;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}; remove it if no install is running`);
      spawnSync('sleep', ['1']);
    }
  }
  try {
    if (!existsSync(binary)) {
      install();
      if (!existsSync(binary)) throw new Error(`install finished but ${binary} is missing`);
    }
    return binary;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], env: Record<string, string>, cwd?: string): void {
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
}

const hasGo = (): boolean => spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
const goOs = (): string => (process.platform === 'darwin' ? 'darwin' : 'linux');
const goArch = (): string => (process.arch === 'arm64' ? 'arm64' : 'amd64');
