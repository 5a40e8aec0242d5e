import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { referencedNodeIds } from './references.ts';

describe('referencedNodeIds', () => {
  const cases: { template: string; expected: string[] }[] = [
    { template: '{{ steps.fetch_user.body.email }}', expected: ['fetch_user'] },
    { template: '{{ steps . spaced }}', expected: ['spaced'] },
    { template: `{{ steps["quoted"].x }} and {{ steps['single'] }}`, expected: ['quoted', 'single'] },
    { template: `{{ steps [ "spaced out" ].x }}`, expected: ['spaced out'] },
    { template: '{{ steps.a.x & steps.b.y & steps.a.z }}', expected: ['a', 'b'] },
    { template: '{{ $count(steps.list.items) > 0 ? steps.yes : steps.no }}', expected: ['list', 'yes', 'no'] },
    { template: 'steps.outside is just text {{ trigger.body }}', expected: [] },
    { template: '{{ mysteps.a }} {{ $steps.b }} {{ x.steps.c }}', expected: [] },
    { template: '{{ trigger.body.steps }}', expected: [] },
    { template: '{{ steps.unclosed', expected: [] },
    { template: 'no template', expected: [] },
  ];
  for (const { template, expected } of cases) {
    it(`${template} → [${expected.join(', ')}]`, () => {
      assert.deepEqual(referencedNodeIds(template), expected);
    });
  }
});
