import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { scaffoldStepPackage, stepPrefixOf } from './scaffold.ts';

const root = await mkdtemp(path.join(tmpdir(), 'pw-scaffold-'));
after(() => rm(root, { recursive: true, force: true }));

describe('scaffoldStepPackage', () => {
  it('writes one step, one credential type, a test and a README, named after the folder', async () => {
    const result = await scaffoldStepPackage({ dir: path.join(root, 'acme-crm') });
    assert.deepEqual(result.files, [
      '.gitignore',
      'README.md',
      'package.json',
      'src/api-key.credential.ts',
      'src/greet.step.test.ts',
      'src/greet.step.ts',
      'src/index.ts',
      'tsconfig.json',
    ]);
    const packageJson = JSON.parse(await readFile(path.join(result.dir, 'package.json'), 'utf8')) as {
      name: string;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    assert.equal(packageJson.name, 'acme-crm');
    // Linked from this checkout, so `pnpm install` needs no registry.
    assert.match(packageJson.dependencies['@pipewright/step-sdk'] ?? '', /^link:\/.*packages\/step-sdk$/);
    assert.match(packageJson.devDependencies['@pipewright/step-worker'] ?? '', /^link:\/.*packages\/step-worker$/);
    const step = await readFile(path.join(result.dir, 'src/greet.step.ts'), 'utf8');
    assert.match(step, /type: 'acme-crm\.greet'/);
    assert.match(await readFile(path.join(result.dir, 'src/api-key.credential.ts'), 'utf8'), /'acme-crm\.apiKey'/);
    assert.doesNotMatch(step, /__[A-Z_]+__/, 'every placeholder is replaced');
  });

  it('takes a scoped npm name and derives the step type prefix from it', async () => {
    const result = await scaffoldStepPackage({ dir: path.join(root, 'scoped'), name: '@acme/crm-steps' });
    assert.deepEqual([result.name, result.prefix], ['@acme/crm-steps', 'crm-steps']);
  });

  it('refuses a folder that is not empty, and names npm would refuse', async () => {
    const busy = path.join(root, 'busy');
    await mkdir(busy);
    await writeFile(path.join(busy, 'x'), '');
    await assert.rejects(scaffoldStepPackage({ dir: busy }), /is not empty/);
    await assert.rejects(scaffoldStepPackage({ dir: path.join(root, 'My Steps') }), /not a valid npm package name/);
  });

  for (const [name, prefix] of [
    ['my-steps', 'my-steps'],
    ['@x/9lives', 'lives'],
    ['steps.io', 'steps-io'],
  ] as const) {
    it(`derives the prefix "${prefix}" from "${name}"`, () => {
      assert.equal(stepPrefixOf(name), prefix);
    });
  }
});
