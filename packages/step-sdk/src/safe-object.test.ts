import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  assertSafePath,
  assignOwn,
  defineOwn,
  deleteOwnPath,
  getOwn,
  isReservedKey,
  RESERVED_KEYS,
  ReservedKeyError,
  reservedKeyIn,
  setOwnPath,
} from './safe-object.ts';

const objectPrototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

// Whatever a case does, Object.prototype (shared by everything in this process) must come out unchanged.
afterEach(() => {
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), objectPrototypeKeys);
  assert.equal(Reflect.get({}, 'polluted'), undefined);
});

/** Tries to leave `Object.prototype.polluted` behind through every way a path can reach a prototype. */
const ATTACK_PATHS: { path: string[]; reserved: string }[] = [
  { path: ['__proto__', 'polluted'], reserved: '__proto__' },
  { path: ['constructor', 'prototype', 'polluted'], reserved: 'constructor' },
  { path: ['a', '__proto__', 'polluted'], reserved: '__proto__' },
  { path: ['a', 'constructor', 'prototype', 'polluted'], reserved: 'constructor' },
  { path: ['prototype', 'polluted'], reserved: 'prototype' },
  { path: ['__proto__'], reserved: '__proto__' },
  { path: ['constructor'], reserved: 'constructor' },
  { path: ['prototype'], reserved: 'prototype' },
];

describe('reserved keys', () => {
  const cases: [string, boolean][] = [
    ['__proto__', true],
    ['constructor', true],
    ['prototype', true],
    ['proto', false],
    ['__proto', false],
    ['Constructor', false],
    ['constructors', false],
    ['toString', false],
    ['hasOwnProperty', false],
    ['', false],
    ['a.__proto__', false],
  ];
  for (const [key, reserved] of cases) {
    it(`${JSON.stringify(key)} is ${reserved ? '' : 'not '}reserved`, () => {
      assert.equal(isReservedKey(key), reserved);
    });
  }

  it('lists exactly the three names that reach a prototype', () => {
    assert.deepEqual([...RESERVED_KEYS].sort(), ['__proto__', 'constructor', 'prototype']);
  });

  const paths: [string[], string | undefined][] = [
    [['order', 'total'], undefined],
    [[], undefined],
    [['a', 'constructor', 'prototype'], 'constructor'],
    [['x', 'prototype', '__proto__'], 'prototype'],
    [['__proto__'], '__proto__'],
  ];
  for (const [path, first] of paths) {
    it(`the first reserved segment of ${JSON.stringify(path)} is ${JSON.stringify(first)}`, () => {
      assert.equal(reservedKeyIn(path), first);
      if (first === undefined) assertSafePath(path);
      else assert.throws(() => assertSafePath(path), ReservedKeyError);
    });
  }

  it('names the key and the whole path in the error', () => {
    const error = (() => {
      try {
        assertSafePath(['constructor', 'prototype', 'x']);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    assert.ok(error instanceof ReservedKeyError);
    assert.equal(error.key, 'constructor');
    assert.equal(error.path, 'constructor.prototype.x');
    assert.equal(
      error.message,
      '"constructor.prototype.x" uses "constructor", which is reserved (it names the object prototype, not data); use another name',
    );
    assert.equal(
      new ReservedKeyError('__proto__').message,
      '"__proto__" is reserved (it names the object prototype, not data); use another name',
    );
  });
});

describe('setOwnPath', () => {
  const writes: { name: string; start: Record<string, unknown>; path: string[]; expected: unknown }[] = [
    { name: 'a top-level field', start: {}, path: ['name'], expected: { name: 'v' } },
    { name: 'nested fields, created on the way', start: {}, path: ['a', 'b', 'c'], expected: { a: { b: { c: 'v' } } } },
    { name: 'into an existing object', start: { a: { x: 1 } }, path: ['a', 'y'], expected: { a: { x: 1, y: 'v' } } },
    { name: 'over a non-object on the way', start: { a: 5 }, path: ['a', 'b'], expected: { a: { b: 'v' } } },
    { name: 'over an array on the way', start: { a: [1] }, path: ['a', 'b'], expected: { a: { b: 'v' } } },
    { name: 'overwrites a value', start: { a: 1 }, path: ['a'], expected: { a: 'v' } },
    // Inherited members are not the data's: `toString.x` makes an own object rather than writing onto a function.
    { name: 'an inherited name', start: {}, path: ['toString', 'x'], expected: { toString: { x: 'v' } } },
    { name: 'an empty path does nothing', start: { a: 1 }, path: [], expected: { a: 1 } },
  ];
  for (const { name, start, path, expected } of writes) {
    it(`writes ${name}`, () => {
      setOwnPath(start, path, 'v');
      assert.deepEqual(start, expected);
    });
  }

  for (const { path, reserved } of ATTACK_PATHS) {
    it(`refuses ${path.join('.')} and changes nothing`, () => {
      const target: Record<string, unknown> = { a: { keep: true } };
      assert.throws(
        () => setOwnPath(target, path, { polluted: 'yes' }),
        (error: unknown) => error instanceof ReservedKeyError && error.key === reserved,
      );
      assert.deepEqual(target, { a: { keep: true } });
      assert.equal(Object.getPrototypeOf(target), Object.prototype);
    });
  }

  it('never walks into a prototype, even through an own `__proto__` data key (as JSON.parse makes)', () => {
    const target: Record<string, unknown> = JSON.parse('{"a": {"__proto__": {"x": 1}}}');
    setOwnPath(target, ['a', 'y'], 2);
    assert.deepEqual(Object.keys(Object(target.a)), ['__proto__', 'y']);
    assert.equal(Object.getPrototypeOf(target.a), Object.prototype);
  });
});

describe('deleteOwnPath', () => {
  const deletes: { name: string; start: Record<string, unknown>; path: string[]; expected: unknown }[] = [
    { name: 'a top-level field', start: { a: 1, b: 2 }, path: ['a'], expected: { b: 2 } },
    { name: 'a nested field', start: { a: { b: 1, c: 2 } }, path: ['a', 'b'], expected: { a: { c: 2 } } },
    { name: 'nothing when the path is missing', start: { a: 1 }, path: ['x', 'y'], expected: { a: 1 } },
    { name: 'nothing through a non-object', start: { a: 1 }, path: ['a', 'b'], expected: { a: 1 } },
    { name: 'nothing inherited', start: {}, path: ['toString'], expected: {} },
  ];
  for (const { name, start, path, expected } of deletes) {
    it(`deletes ${name}`, () => {
      deleteOwnPath(start, path);
      assert.deepEqual(start, expected);
    });
  }

  it('leaves inherited members in place', () => {
    deleteOwnPath({}, ['hasOwnProperty']);
    assert.equal(typeof Object.prototype.hasOwnProperty, 'function');
  });

  for (const path of [
    ['__proto__', 'hasOwnProperty'],
    ['constructor', 'prototype', 'toString'],
    ['a', '__proto__'],
  ]) {
    it(`refuses ${path.join('.')} (it would delete from Object.prototype)`, () => {
      assert.throws(() => deleteOwnPath({ a: {} }, path), ReservedKeyError);
      assert.equal(typeof Object.prototype.hasOwnProperty, 'function');
      assert.equal(typeof Object.prototype.toString, 'function');
    });
  }
});

describe('copying data', () => {
  const hostile = (): Record<string, unknown> =>
    JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"x": 1}}, "id": 7}');

  it('defineOwn keeps any key, __proto__ included, as an own data property', () => {
    const target: Record<string, unknown> = {};
    defineOwn(target, '__proto__', { polluted: 'yes' });
    defineOwn(target, 'constructor', 'c');
    assert.equal(Object.getPrototypeOf(target), Object.prototype);
    assert.deepEqual(Object.keys(target), ['__proto__', 'constructor']);
    assert.equal(target.polluted, undefined);
    assert.equal(JSON.stringify(target), '{"__proto__":{"polluted":"yes"},"constructor":"c"}');
  });

  it('defineOwn makes an enumerable, writable, configurable property, and returns the target', () => {
    const target = {};
    assert.equal(defineOwn(target, 'a', 1), target);
    assert.deepEqual(Object.getOwnPropertyDescriptor(target, 'a'), {
      value: 1,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  });

  it('assignOwn copies what Object.assign would, without letting __proto__ replace the prototype', () => {
    const viaAssign: Record<string, unknown> = Object.assign({}, hostile());
    assert.equal(viaAssign.polluted, 'yes', 'Object.assign turns the key into the prototype: the hazard');
    const merged = assignOwn<Record<string, unknown>>({}, hostile(), { id: 8, extra: true });
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
    assert.equal(merged.polluted, undefined);
    assert.deepEqual(JSON.parse(JSON.stringify(merged)), {
      ['__proto__']: { polluted: 'yes' },
      constructor: { prototype: { x: 1 } },
      id: 8,
      extra: true,
    });
  });

  it('getOwn reads own properties only', () => {
    const value = hostile();
    assert.deepEqual(getOwn(value, '__proto__'), { polluted: 'yes' });
    assert.equal(getOwn({}, 'constructor'), undefined);
    assert.equal(getOwn({}, 'toString'), undefined);
    assert.equal(getOwn({ a: 0 }, 'a'), 0);
  });
});
