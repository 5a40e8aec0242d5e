import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StepManifest } from '@pipewright/step-sdk';
import { idBaseForType } from '../../canvas/node-factory.ts';
import { groupPalette } from './palette-search.ts';

const step = (type: string, title: string, category: string, keywords: string[] = []): StepManifest => ({
  type,
  version: 1,
  title,
  description: '',
  kind: category === 'Triggers' ? 'trigger' : category === 'Transform' ? 'transform' : 'action',
  category,
  keywords,
  inputSchema: {},
  outputSchema: {},
  ui: {},
  retry: {},
  timeoutMs: null,
  runsIn: 'workflow',
});

const catalog = [
  step('http.request', 'HTTP request', 'Actions', ['api', 'rest']),
  step('core.transform', 'Transform', 'Transform', ['map', 'rename']),
  step('core.webhook', 'Webhook', 'Triggers', ['hook']),
  step('acme.crm', 'Acme CRM', 'Connectors'),
];

describe('palette', () => {
  it('groups steps of published packages under the package, after the built-ins, with its live status', () => {
    const fromPackage = (type: string, title: string, name: string, live: boolean): StepManifest => ({
      ...step(type, title, 'Actions'),
      package: { name, version: '1.0.0', live },
    });
    const groups = groupPalette(
      [...catalog, fromPackage('my-steps.greet', 'Greet', 'my-steps', true), fromPackage('zz.a', 'A', 'zz', false)],
      '',
    );
    assert.deepEqual(
      groups.slice(-2).map((group) => [group.category, group.package?.live, group.steps.map((entry) => entry.type)]),
      [
        ['my-steps', true, ['my-steps.greet']],
        ['zz', false, ['zz.a']],
      ],
    );
    assert.deepEqual(
      groupPalette([...catalog, fromPackage('my-steps.greet', 'Greet', 'my-steps', true)], 'my-steps').map(
        (group) => group.category,
      ),
      ['my-steps'],
      'the package name is searchable',
    );
  });

  it('groups by category, triggers first', () => {
    assert.deepEqual(
      groupPalette(catalog, '').map((group) => [group.category, group.steps.map((entry) => entry.type)]),
      [
        ['Triggers', ['core.webhook']],
        ['Transform', ['core.transform']],
        ['Actions', ['http.request']],
        ['Connectors', ['acme.crm']],
      ],
    );
  });

  it('search matches title, type and keywords', () => {
    const types = (query: string) =>
      groupPalette(catalog, query).flatMap((group) => group.steps.map((entry) => entry.type));
    assert.deepEqual(types('rename'), ['core.transform']);
    assert.deepEqual(types('HTTP'), ['http.request']);
    assert.deepEqual(types('acme.'), ['acme.crm']);
    assert.deepEqual(types('api rest'), ['http.request']);
    assert.deepEqual(types('nothing-like-this'), []);
  });

  it('node ids are readable and expression-safe', () => {
    assert.equal(idBaseForType('core.webhook'), 'webhook');
    assert.equal(idBaseForType('http.request'), 'http_request');
    assert.equal(idBaseForType('slack.sendMessage'), 'slack_sendMessage');
    assert.equal(idBaseForType('9lives.cat'), '_9lives_cat');
  });
});
