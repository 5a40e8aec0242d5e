import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkValue } from './check-value.ts';
import { formatPath } from './paths.ts';

const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    url: { type: 'string', format: 'uri' },
    email: { type: 'string', format: 'email' },
    when: { type: 'string', format: 'date-time' },
    id: { type: 'string', format: 'uuid' },
    header: { type: 'string', pattern: '^[A-Za-z0-9-]+$' },
    mode: { type: 'string', enum: ['read', 'write'] },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    items: {
      type: 'array',
      maxItems: 3,
      items: {
        type: 'object',
        properties: { name: { type: 'string', minLength: 1 }, tags: { type: 'array', items: { type: 'string' } } },
        required: ['name'],
        additionalProperties: false,
      },
    },
    owner: {
      type: 'object',
      properties: { address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    },
    either: { anyOf: [{ type: 'number' }, { type: 'string', minLength: 2 }] },
    'content-type': { type: 'string' },
  },
  required: ['url'],
  additionalProperties: false,
};

describe('checkValue: paths and messages', () => {
  const cases: { name: string; value: Record<string, unknown>; issues: string[] }[] = [
    { name: 'a valid value', value: { url: 'https://a.example', items: [{ name: 'x', tags: ['t'] }] }, issues: [] },
    { name: 'a missing required field', value: {}, issues: ['body.url: is required'] },
    {
      name: 'a field in a list item',
      value: { url: 'https://a.example', items: [{ name: 'a' }, { name: 'b' }, { name: 7 }] },
      issues: ['body.items[2].name: must be text'],
    },
    {
      name: 'a required field of a list item',
      value: { url: 'https://a.example', items: [{}] },
      issues: ['body.items[0].name: is required'],
    },
    {
      name: 'an item of a nested list',
      value: { url: 'https://a.example', items: [{ name: 'a', tags: ['ok', false] }] },
      issues: ['body.items[0].tags[1]: must be text'],
    },
    {
      name: 'a nested object',
      value: { url: 'https://a.example', owner: { address: {} } },
      issues: ['body.owner.address.city: is required'],
    },
    {
      name: 'an unknown field, nested and at the top',
      value: { url: 'https://a.example', items: [{ name: 'a', nmae: 'b' }], extra: 1 },
      issues: ['body.extra: is not a known field', 'body.items[0].nmae: is not a known field'],
    },
    {
      name: 'an enum',
      value: { url: 'https://a.example', mode: 'admin' },
      issues: ['body.mode: must be one of read, write'],
    },
    {
      name: 'an enum and a type at once: the enum is named',
      value: { url: 'https://a.example', mode: 7 },
      issues: ['body.mode: must be one of read, write'],
    },
    {
      name: 'a pattern',
      value: { url: 'https://a.example', header: 'x y' },
      issues: ['body.header: must match the pattern ^[A-Za-z0-9-]+$'],
    },
    {
      name: 'formats',
      value: { url: 'example.com', email: 'ada', when: 'tomorrow', id: 'x' },
      issues: [
        'body.url: must be a full URL, such as https://api.example.com/items',
        'body.email: must be an email address, such as ada@example.com',
        'body.when: must be a date and time, such as 2024-05-01T12:30:00Z',
        'body.id: must be a UUID, such as 123e4567-e89b-12d3-a456-426614174000',
      ],
    },
    {
      name: 'a number out of range',
      value: { url: 'https://a.example', port: 0 },
      issues: ['body.port: must be at least 1'],
    },
    {
      name: 'NaN is not a number',
      value: { url: 'https://a.example', port: Number.NaN },
      issues: ['body.port: must be a whole number'],
    },
    {
      name: 'a list too long',
      value: { url: 'https://a.example', items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }] },
      issues: ['body.items: allows at most 3 item(s)'],
    },
    {
      name: 'no form matches: only the form is named',
      value: { url: 'https://a.example', either: 'a' },
      issues: ['body.either: does not match any of the accepted forms'],
    },
    {
      name: 'a key that is not an identifier',
      value: { url: 'https://a.example', 'content-type': 1 },
      issues: ['body["content-type"]: must be text'],
    },
    { name: 'undefined counts as absent', value: { url: 'https://a.example', mode: undefined }, issues: [] },
  ];
  for (const { name, value, issues } of cases) {
    it(name, () => {
      const checked = checkValue(schema, value);
      assert.deepEqual(
        checked.ok ? [] : checked.issues.map((issue) => `${formatPath('body', issue.segments)}: ${issue.message}`),
        issues,
      );
    });
  }

  it('treats wildcard values as valid wherever they stand, and forms that hold one as a whole', () => {
    const isWildcard = (value: unknown) => typeof value === 'string' && value.startsWith('{{');
    const value = { url: '{{ u }}', port: '{{ p }}', either: { x: '{{ e }}' }, items: [{ name: '{{ n }}' }] };
    assert.deepEqual(checkValue(schema, value, { isWildcard }), { ok: true, value, skipped: [] });
  });

  it('leaves the keywords it is told to another check', () => {
    const value = { url: 'https://a.example', header: 'x y', port: 0 };
    const checked = checkValue(schema, value, { ignoreKeywords: ['pattern'] });
    assert.deepEqual(checked.ok ? [] : checked.issues.map((issue) => issue.keyword), ['minimum']);
  });

  it('never quotes the value it checks', () => {
    const checked = checkValue(schema, { url: 'secret-1234', mode: 'secret-5678', port: 'secret-9012' });
    assert.ok(!JSON.stringify(checked).includes('secret-'));
  });

  it('refuses a value nested deeper than the limit, without throwing', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 200; level += 1) deep = [deep];
    const checked = checkValue({ $defs: { a: { items: { $ref: '#/$defs/a' } } }, $ref: '#/$defs/a' }, deep);
    assert.equal(checked.ok, false);
    assert.match(checked.ok ? '' : (checked.issues[0]?.message ?? ''), /nests deeper than 64 levels/);
  });
});
