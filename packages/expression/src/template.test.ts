import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import {
  checkTemplate,
  EXPRESSION_ENGINE,
  evaluateDeep,
  evaluateTemplate,
  isTemplate,
  splitTemplate,
} from './template.ts';

const context = {
  trigger: {
    body: { name: 'Ada', age: 36, tags: ['a', 'b'], address: { city: 'London' }, active: true, nickname: null },
  },
  steps: { fetch: { status: 200, items: [{ id: 1 }, { id: 2 }] } },
};

describe('evaluateTemplate', () => {
  const raw: { template: string; expected: unknown }[] = [
    { template: '{{ trigger.body.age }}', expected: 36 },
    { template: '{{trigger.body.active}}', expected: true },
    { template: '{{ trigger.body.address }}', expected: { city: 'London' } },
    { template: '{{ trigger.body.tags }}', expected: ['a', 'b'] },
    { template: '{{ steps.fetch.items.id }}', expected: [1, 2] },
    { template: '{{ trigger.body.age * 2 }}', expected: 72 },
    { template: '{{ $uppercase(trigger.body.name) }}', expected: 'ADA' },
    { template: '{{ { "n": trigger.body.name } }}', expected: { n: 'Ada' } },
    { template: '{{ trigger.body.nickname }}', expected: null },
  ];
  for (const { template, expected } of raw) {
    it(`a lone ${template} yields the raw value`, async () => {
      assert.deepEqual(await evaluateTemplate(template, context), expected);
    });
  }

  const interpolated: { template: string; expected: string }[] = [
    { template: 'Hello {{ trigger.body.name }}!', expected: 'Hello Ada!' },
    { template: '{{ trigger.body.name }} is {{ trigger.body.age }}', expected: 'Ada is 36' },
    { template: 'at {{ trigger.body.address }}', expected: 'at {"city":"London"}' },
    { template: ' {{ trigger.body.active }}', expected: ' true' },
    { template: 'missing: [{{ trigger.body.nope }}]', expected: 'missing: []' },
    { template: 'null: [{{ trigger.body.nickname }}]', expected: 'null: []' },
    { template: 'no expressions at all', expected: 'no expressions at all' },
  ];
  for (const { template, expected } of interpolated) {
    it(`"${template}" interpolates to a string`, async () => {
      assert.equal(await evaluateTemplate(template, context), expected);
    });
  }

  it('missing paths evaluate to null', async () => {
    assert.equal(await evaluateTemplate('{{ trigger.body.nope.deeper }}', context), null);
    assert.equal(await evaluateTemplate('{{ steps.unknown }}', context), null);
  });

  it('returns plain arrays and objects (no JSONata sequence flags)', async () => {
    const value = await evaluateTemplate('{{ steps.fetch.items }}', context);
    assert.ok(Array.isArray(value));
    assert.equal(Object.hasOwn(value, 'sequence'), false);
    assert.deepEqual(value, [{ id: 1 }, { id: 2 }]);
  });

  // A function is no value a step can receive: a forgotten `()` or a lambda yields null, as a missing path does.
  const functions: { template: string; expected: unknown }[] = [
    { template: '{{ $now }}', expected: null },
    { template: '{{ function($x) { $x * 2 } }}', expected: null },
    { template: '{{ { "f": $uppercase, "n": 1 } }}', expected: { f: null, n: 1 } },
    { template: 'at [{{ $now }}]', expected: 'at []' },
    { template: '{{ trigger.body.callback }}', expected: null },
  ];
  for (const { template, expected } of functions) {
    it(`${template} yields no function`, async () => {
      const withCallback = { trigger: { body: { callback: () => 'called' } } };
      assert.deepEqual(await evaluateTemplate(template, withCallback), expected);
    });
  }

  it('drops fields whose value is undefined instead of turning them into null', async () => {
    const sparse = { trigger: { body: { kept: 1, gone: undefined } } };
    assert.deepEqual(await evaluateTemplate('{{ trigger.body }}', sparse), { kept: 1 });
    assert.deepEqual(await evaluateTemplate('{{ [trigger.body] }}', sparse), [{ kept: 1 }]);
  });

  it('rejects an unclosed template', async () => {
    await assert.rejects(evaluateTemplate('Hi {{ trigger.body.name', context), /never closed/);
  });
});

describe('evaluateDeep', () => {
  it('evaluates template strings at any depth and leaves other values as they are', async () => {
    const config = {
      url: 'https://x.test/{{ trigger.body.name }}',
      count: 3,
      nested: [{ v: '{{ trigger.body.age }}' }, null, 'plain'],
    };
    assert.deepEqual(await evaluateDeep(config, context), {
      url: 'https://x.test/Ada',
      count: 3,
      nested: [{ v: 36 }, null, 'plain'],
    });
  });

  it('keeps a __proto__ key as data, as JSON.parse does: the result keeps its prototype', async () => {
    const config = JSON.parse('{"__proto__": {"admin": "{{ trigger.body.name }}"}, "n": 1}');
    const out = (await evaluateDeep(config, context)) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal((out as { admin?: unknown }).admin, undefined);
    assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { admin: 'Ada' });
    assert.deepEqual(Object.keys(out), ['__proto__', 'n']);
  });
});

describe('checkTemplate', () => {
  it('accepts valid templates and plain text', () => {
    assert.deepEqual(checkTemplate('Hello {{ trigger.body.name }} {{ $sum(steps.fetch.items.id) }}'), []);
    assert.deepEqual(checkTemplate('no braces'), []);
  });

  const cases: { template: string; message: RegExp; at: (template: string) => [number, number] }[] = [
    { template: 'abc {{ a + }}', message: /end of expression/, at: (t) => [t.indexOf('+'), t.lastIndexOf('}}')] },
    { template: '{{ a }} and {{ b ] }}', message: /\]/, at: (t) => [t.indexOf(']'), t.indexOf(']') + 1] },
    { template: 'x {{   }}', message: /empty expression/, at: () => [4, 4] },
    { template: 'x {{ a', message: /never closed/, at: (t) => [t.indexOf('{{'), t.indexOf('{{')] },
  ];
  for (const { template, message, at } of cases) {
    it(`reports "${template}" with its position in the whole template`, () => {
      const errors = checkTemplate(template);
      assert.equal(errors.length, 1);
      const [error] = errors;
      assert.match(error?.message ?? '', message);
      const [from, to] = at(template);
      const position = error?.position ?? -1;
      assert.ok(position >= from && position <= to, `position ${position} not within [${from}, ${to}]`);
    });
  }

  it('reports each broken expression separately', () => {
    assert.equal(checkTemplate('{{ a + }} ok {{ b. }}').length, 2);
  });
});

describe('splitTemplate / isTemplate', () => {
  it('splits text and expressions with their offsets', () => {
    assert.deepEqual(splitTemplate('Hi {{ name }}!'), [
      { kind: 'text', text: 'Hi ' },
      { kind: 'expr', source: ' name ', offset: 5 },
      { kind: 'text', text: '!' },
    ]);
  });
  it('does not take a "}}" before the "{{" as its end', () => {
    assert.deepEqual(splitTemplate('{"a":{"b":1}}{{ x }}'), [
      { kind: 'text', text: '{"a":{"b":1}}' },
      { kind: 'expr', source: ' x ', offset: 15 },
    ]);
  });
  it('treats any string containing {{ as a template', () => {
    assert.equal(isTemplate('a {{ b'), true);
    assert.equal(isTemplate('a { b }'), false);
  });
});

it('names the JSONata version that is installed, so plans record the engine that evaluates them', () => {
  const { version } = createRequire(import.meta.url)('jsonata/package.json') as { version: string };
  assert.equal(EXPRESSION_ENGINE, `jsonata@${version}`);
});
