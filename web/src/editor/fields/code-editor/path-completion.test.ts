import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PathSuggestion } from '../../data-mapping/data-mapping.ts';
import { acceptPathAt, dropPathAt, pathCompletions } from './path-completion.ts';

const suggestions: PathSuggestion[] = [
  { path: 'trigger.body', type: 'object', source: 'sample' },
  { path: 'trigger.body.city', type: 'string', source: 'sample' },
  { path: 'trigger.body.name', source: 'schema' },
  { path: 'steps.fetch.body', nodeId: 'fetch', source: 'both' },
];

describe('pathCompletions', () => {
  it('offers the paths extending what is typed inside {{ }}, shortest first, replacing the typed path', () => {
    const text = 'Hi {{ trigger.bo';
    assert.deepEqual(pathCompletions(text, text.length, suggestions), {
      from: 6,
      to: text.length,
      options: [
        { path: 'trigger.body', type: 'object' },
        { path: 'trigger.body.city', type: 'string' },
        { path: 'trigger.body.name' },
      ],
    });
  });

  it('replaces the whole path under the caret, also the part after it', () => {
    const text = '{{ trigger.b.name }}';
    assert.deepEqual(pathCompletions(text, 12, suggestions)?.to, 17);
  });

  it('offers nothing outside an expression or when no path matches', () => {
    assert.equal(pathCompletions('trigger.bo', 10, suggestions), null);
    assert.equal(pathCompletions('{{ a }} trigger.', 16, suggestions), null);
    assert.equal(pathCompletions('{{ nothing.', 11, suggestions), null);
  });
});

describe('acceptPathAt and dropPathAt', () => {
  it('accepting closes an open expression and puts the caret after the path', () => {
    assert.deepEqual(acceptPathAt('{{ trig', 7, 'trigger.body'), { text: '{{ trigger.body }}', caret: 15 });
    assert.deepEqual(acceptPathAt('{{ trig }}', 7, 'trigger.body'), { text: '{{ trigger.body }}', caret: 15 });
    assert.equal(acceptPathAt('trig', 4, 'trigger.body'), null);
  });

  it('a drop wraps the path in {{ }} in plain text and inserts it bare inside an expression', () => {
    assert.deepEqual(dropPathAt('/v1?q=', 6, 'trigger.body.city'), {
      text: '/v1?q={{ trigger.body.city }}',
      caret: 29,
    });
    assert.deepEqual(dropPathAt('{{  }}', 3, 'trigger.body'), { text: '{{ trigger.body }}', caret: 15 });
  });
});
