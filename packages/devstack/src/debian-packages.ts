import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * A program the project takes from Debian's packages (Chromium for the browser tests, HAProxy for `./pw cluster`).
 * A fresh machine may not have it: install it when we can (root with apt-get), else say what to install.
 */
export function ensureDebianPackage(options: { path: string; pkg: string; log?: (line: string) => void }): string {
  const { path, pkg } = options;
  if (existsSync(path)) return path;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(`${path} not found: install Debian's ${pkg} package (apt-get install ${pkg})`);
  }
  (options.log ?? console.error)(`[devstack] installing ${pkg} from Debian's packages (first run only)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', pkg],
  ]) {
    const result = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed with exit code ${result.status}`);
  }
  if (!existsSync(path)) throw new Error(`apt-get installed ${pkg}, but ${path} is still missing`);
  return path;
}
