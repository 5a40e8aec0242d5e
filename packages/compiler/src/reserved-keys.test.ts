import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { compileFlow } from './compile.ts';
import type { CompileError } from './compile-result.ts';
import { catalog, edge, flow, http, node, options, type TestNode, webhook } from './test-fixtures.ts';
import { fillDefaults } from './validate-config.ts';

const objectPrototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
afterEach(() => {
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), objectPrototypeKeys);
});

const located = (errors: CompileError[]) => errors.map(({ code, nodeId, field }) => ({ code, nodeId, field }));

function errorsOf(document: unknown): CompileError[] {
  const result = compileFlow(document, catalog, options);
  if (result.ok) assert.fail('expected the flow not to compile');
  return result.errors;
}

/** webhook → the node under test. */
const after = (tested: TestNode) => flow([webhook(), tested], [edge('hook', tested.id)]);
const transformWith = (config: Record<string, unknown>, id = 'shape') => node(id, 'core.transform', config);
const fields = (...names: string[]) => ({ fields: names.map((name) => ({ name, value: 'v' })) });

describe('reserved keys are compile errors on the node, naming the field', () => {
  const cases: { name: string; tested: TestNode; field: string; message: RegExp }[] = [
    {
      name: 'a transform field through constructor.prototype',
      tested: transformWith(fields('constructor.prototype.polluted')),
      field: 'config.fields.0.name',
      message:
        /^Node "shape": the field name "constructor\.prototype\.polluted" uses "constructor", which is reserved \(it names the object prototype, not data\); use another name$/,
    },
    {
      name: 'a transform field through __proto__',
      tested: transformWith(fields('ok', '__proto__.polluted')),
      field: 'config.fields.1.name',
      message: /the field name "__proto__\.polluted" uses "__proto__"/,
    },
    {
      name: 'a transform field named __proto__',
      tested: transformWith(fields('__proto__')),
      field: 'config.fields.0.name',
      message: /the field name "__proto__" is reserved/,
    },
    {
      name: 'a nested transform field ending in prototype',
      tested: transformWith(fields('a.b.prototype')),
      field: 'config.fields.0.name',
      message: /"a\.b\.prototype" uses "prototype"/,
    },
    {
      name: 'a removed field through __proto__',
      tested: transformWith({ keepInput: true, remove: ['fine', '__proto__.hasOwnProperty'] }),
      field: 'config.remove.1',
      message: /the removed field "__proto__\.hasOwnProperty" uses "__proto__"/,
    },
    {
      name: 'a merge key',
      tested: node('join', 'core.merge', { combine: 'byKey', key: 'constructor' }),
      field: 'config.key',
      message: /^Node "join": the key field "constructor" is reserved/,
    },
    {
      name: 'a config key (HTTP headers)',
      tested: http('call', { url: 'https://api.example.com/x', headers: { constructor: 'x' } }),
      field: 'config.headers.constructor',
      message: /^Node "call": the key in config\.headers "constructor" is reserved/,
    },
    {
      name: 'a __proto__ key deep in a config, as JSON.parse makes it',
      tested: http('call', { url: 'https://api.example.com/x', body: JSON.parse('{"a": [{"__proto__": {"x": 1}}]}') }),
      field: 'config.body.a.0.__proto__',
      message: /the key in config\.body\.a\.0 "__proto__" is reserved/,
    },
    {
      name: 'a node id',
      tested: transformWith(fields('ok'), 'constructor'),
      field: 'id',
      message: /^Node "constructor": the id "constructor" is reserved/,
    },
  ];
  for (const { name, tested, field, message } of cases) {
    it(name, () => {
      const errors = errorsOf(after(tested)).filter((error) => error.code === 'reserved_key');
      assert.deepEqual(located(errors), [{ code: 'reserved_key', nodeId: tested.id, field }]);
      assert.match(errors[0]?.message ?? '', message);
    });
  }

  it('inside a loop body, on the body node', () => {
    const errors = errorsOf(
      flow(
        [
          webhook(),
          node('each', 'core.loop', { items: '{{ trigger.body.items }}' }),
          Object.assign(transformWith(fields('__proto__.polluted'), 'inner'), { parentId: 'each' }),
        ],
        [edge('hook', 'each')],
      ),
    );
    assert.deepEqual(located(errors), [{ code: 'reserved_key', nodeId: 'inner', field: 'config.fields.0.name' }]);
  });

  it('every reserved field of a node at once', () => {
    const errors = errorsOf(after(transformWith({ ...fields('__proto__.a', 'constructor'), remove: ['prototype'] })));
    assert.deepEqual(
      errors.map((error) => error.field),
      ['config.fields.0.name', 'config.fields.1.name', 'config.remove.0'],
    );
  });
});

describe('names that only look like reserved keys compile', () => {
  const cases: { name: string; tested: TestNode }[] = [
    {
      name: 'near misses as field names',
      tested: transformWith(fields('proto.x', '__proto', 'constructors', 'Prototype')),
    },
    { name: 'reserved words as values', tested: transformWith({ fields: [{ name: 'kind', value: '__proto__' }] }) },
    // Known only at run time: the runtime refuses a reserved name there.
    { name: 'a field name from an expression', tested: transformWith(fields('{{ trigger.body.field }}')) },
    { name: 'ordinary header names', tested: http('call', { url: 'https://api.example.com/x', headers: { a: 'b' } }) },
  ];
  for (const { name, tested } of cases) {
    it(name, () => {
      const result = compileFlow(after(tested), catalog, options);
      assert.equal(result.ok, true, result.ok ? '' : JSON.stringify(result.errors));
    });
  }

  it('a merge key from an expression', () => {
    const document = flow(
      [
        webhook(),
        transformWith(fields('a'), 'a'),
        transformWith(fields('b'), 'b'),
        node('join', 'core.merge', { combine: 'byKey', key: '{{ trigger.body.key }}' }),
      ],
      [edge('hook', 'a'), edge('hook', 'b'), edge('a', 'join'), edge('b', 'join')],
    );
    const result = compileFlow(document, catalog, options);
    assert.equal(result.ok, true, result.ok ? '' : JSON.stringify(result.errors));
  });

  it('a top-level __proto__ config key from JSON never reaches the plan', () => {
    const document = after(
      transformWith(JSON.parse('{"__proto__": {"polluted": 1}, "fields": [{"name": "a", "value": 1}]}')),
    );
    const result = compileFlow(document, catalog, options);
    assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.errors));
    const shape = result.plan.nodes.find((planned) => planned.id === 'shape');
    assert.equal(Object.getPrototypeOf(shape?.config), Object.prototype);
    assert.equal(Object.hasOwn(shape?.config ?? {}, '__proto__'), false);
  });
});

describe('filling defaults', () => {
  it('never writes a reserved property a manifest declares', () => {
    const properties = JSON.parse(
      '{"__proto__": {"default": {"polluted": 1}}, "constructor": {"default": 1}, "prototype": {"default": 1}, "ok": {"default": 2}}',
    );
    const filled = fillDefaults({ given: true }, { type: 'object', properties });
    assert.equal(Object.getPrototypeOf(filled), Object.prototype);
    assert.deepEqual(Object.keys(filled), ['given', 'ok']);
  });
});
