import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFlow } from './compile.ts';
import type { CompileError } from './compile-result.ts';
import { catalog, edge, flow, http, node, options, type TestNode, webhook } from './test-fixtures.ts';

const withUndo = (step: TestNode, undo: Record<string, unknown>): TestNode => ({
  ...step,
  settings: { ...step.settings, undo: { type: 'http.request', typeVersion: 1, config: {}, ...undo } },
});

const chargeFlow = (undo: Record<string, unknown>, extra: TestNode[] = []) =>
  flow(
    [webhook('hook'), withUndo(http('charge'), undo), http('ship'), ...extra],
    [edge('hook', 'charge'), edge('charge', 'ship')],
  );

function errorsOf(document: unknown): CompileError[] {
  const result = compileFlow(document, catalog, options);
  assert.equal(result.ok, false, 'expected the flow not to compile');
  return result.ok ? [] : result.errors;
}

describe('undo steps (settings.undo)', () => {
  it('compiles into the plan with defaults filled, its own retry policy and timeout, reading original and the node', () => {
    const undo = {
      config: {
        url: 'https://pay.example.com/refunds',
        method: 'POST',
        body: {
          charge: '{{ original.output.body.id }}',
          again: '{{ steps.charge.body.id }}',
          who: '{{ trigger.body }}',
        },
      },
      retry: { maxAttempts: 7 },
      timeoutMs: 90_000,
    };
    const result = compileFlow(chargeFlow(undo), catalog, options);
    if (!result.ok) assert.fail(JSON.stringify(result.errors));
    const charge = result.plan.nodes.find((planned) => planned.id === 'charge');
    assert.equal(charge?.undo?.type, 'http.request');
    assert.equal(charge?.undo?.config.url, 'https://pay.example.com/refunds');
    assert.equal(charge?.undo?.config.responseFormat, 'auto', 'schema defaults are filled like any step');
    assert.deepEqual(
      charge?.undo?.retry,
      { ...charge?.retry, maxAttempts: 7 },
      "the step type's policy, with the undo's own override",
    );
    assert.equal(charge?.undo?.timeoutMs, 90_000);
    assert.equal(charge?.undo?.taskQueue, options.defaultTaskQueue);
    assert.equal(
      result.plan.nodes.find((planned) => planned.id === 'ship')?.undo,
      undefined,
      'nodes without an undo have none in the plan',
    );
    assert.equal('undo' in (result.plan.nodes.find((planned) => planned.id === 'ship') ?? {}), false);
  });

  it('names the undo field of a bad config, an unknown type or version, and a read of a later node', () => {
    assert.deepEqual(
      errorsOf(chargeFlow({ config: { url: 'pay.example.com/refunds' } })).map(({ code, nodeId, field }) => ({
        code,
        nodeId,
        field,
      })),
      [{ code: 'invalid_config', nodeId: 'charge', field: 'settings.undo.config.url' }],
    );
    const unknown = errorsOf(chargeFlow({ type: 'pay.refund', config: {} }));
    assert.deepEqual(
      unknown.map(({ code, field }) => ({ code, field })),
      [{ code: 'unknown_step_type', field: 'settings.undo.type' }],
    );
    assert.match(unknown[0]?.message ?? '', /undo step type "pay.refund" is not installed/);
    assert.deepEqual(
      errorsOf(chargeFlow({ typeVersion: 9, config: {} })).map(({ code, field }) => ({ code, field })),
      [{ code: 'unknown_step_version', field: 'settings.undo.typeVersion' }],
    );
    assert.deepEqual(
      errorsOf(chargeFlow({ config: { url: '{{ steps.ship.body.url }}' } })).map(({ code, field }) => ({
        code,
        field,
      })),
      [{ code: 'reference_not_upstream', field: 'settings.undo.config.url' }],
    );
    assert.deepEqual(
      errorsOf(chargeFlow({ config: { url: '{{ original.output. }}' } })).map(({ code, field }) => ({ code, field })),
      [{ code: 'expression_syntax', field: 'settings.undo.config.url' }],
    );
  });

  it('refuses an undo on a transform, of a non-I/O step, or inside a Loop body', () => {
    const onTransform = flow(
      [
        webhook('hook'),
        withUndo(node('shape', 'core.transform', { fields: [] }), { config: { url: 'https://a.example' } }),
      ],
      [edge('hook', 'shape')],
    );
    assert.deepEqual(
      errorsOf(onTransform).map(({ code, field }) => ({ code, field })),
      [{ code: 'invalid_undo', field: 'settings.undo' }],
    );
    assert.deepEqual(
      errorsOf(chargeFlow({ type: 'core.transform', config: { fields: [] } })).map(({ code, field }) => ({
        code,
        field,
      })),
      [{ code: 'invalid_undo', field: 'settings.undo.type' }],
    );
    const inLoop = flow(
      [
        webhook('hook'),
        node('each', 'core.loop', { items: '{{ trigger.body.items }}' }),
        { ...withUndo(http('pay'), { config: { url: 'https://a.example' } }), parentId: 'each' } as TestNode,
      ],
      [edge('hook', 'each')],
    );
    assert.deepEqual(
      errorsOf(inLoop).map(({ code, nodeId, field }) => ({ code, nodeId, field })),
      [{ code: 'invalid_undo', nodeId: 'pay', field: 'settings.undo' }],
    );
  });
});
