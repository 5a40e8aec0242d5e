import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { approversOf } from './approval.ts';
import type { NodeSurroundings } from './control-step.ts';
import { WAIT_OUTPUTS, waitControlStep as wait } from './wait.ts';

const decidedBy = { id: 'usr_1', email: 'ada@example.com' };

describe('Wait for approval at run time', () => {
  test('is an approval wait, not an event wait; its settings come from the evaluated config', () => {
    const config = {
      mode: 'approval',
      approvers: 'admin, Ada@Example.com ,usr_9, admin',
      title: 'Refund 30 €?',
      message: 'Order 42',
      timeoutSeconds: 60,
    };
    assert.equal(wait.isApprovalWait(config), true);
    assert.equal(wait.isEventWait(config), false);
    assert.equal(wait.isApprovalWait({ mode: 'event' }), false);
    assert.deepEqual(wait.approvalWaitOf(config), {
      approvers: ['admin', 'ada@example.com', 'usr_9'],
      title: 'Refund 30 €?',
      message: 'Order 42',
      timeoutMs: 60_000,
    });
    assert.deepEqual(wait.approvalWaitOf({ mode: 'approval', approvers: ['builder'], title: '' }), {
      approvers: ['builder'],
      title: undefined,
      message: undefined,
      timeoutMs: undefined,
    });
  });

  test('a long title or message is cut; bad approvers are refused naming the field', () => {
    const long = wait.approvalWaitOf({ mode: 'approval', approvers: 'admin', title: 'x'.repeat(500) });
    assert.equal(long.title?.length, 200);
    assert.ok(long.title?.endsWith('…'));
    const refused: [unknown, RegExp][] = [
      [undefined, /^approvers: must be a text/],
      [' , ', /^approvers: name at least one/],
      [42, /^approvers: must be a text/],
      [Array.from({ length: 51 }, (_, index) => `u${index}`), /^approvers: at most 50/],
    ];
    for (const [approvers, message] of refused) assert.throws(() => approversOf(approvers), { message });
    assert.throws(() => wait.approvalWaitOf({ mode: 'approval', approvers: 'admin', title: 3 }), {
      message: /^title: must be a text/,
    });
  });

  test('a decision is the output and picks the approved or rejected port', () => {
    const at = '2030-01-01T00:00:00.000Z';
    assert.deepEqual(wait.decided({ decision: 'approved', comment: 'ok', decidedBy, decidedAt: at }), {
      output: { approved: true, decision: 'approved', comment: 'ok', decidedBy, decidedAt: at },
      ports: ['approved'],
    });
    assert.deepEqual(wait.decided({ decision: 'rejected', comment: '', decidedBy, decidedAt: at }), {
      output: { approved: false, decision: 'rejected', decidedBy, decidedAt: at },
      ports: ['rejected'],
    });
  });

  test('a timeout takes the timeout port, or fails the run saying what to connect', () => {
    const settings = wait.approvalWaitOf({ mode: 'approval', approvers: 'admin', timeoutSeconds: 5 });
    assert.deepEqual(wait.approvalTimedOut(settings, true), { output: { timedOut: true }, ports: ['timeout'] });
    assert.throws(() => wait.approvalTimedOut(settings, false), {
      message: /^nobody approved or rejected within 5 s \(connect its "timeout" output/,
    });
  });

  test('its ports are approved, rejected and timeout', () => {
    assert.ok('byConfigValue' in WAIT_OUTPUTS);
    assert.deepEqual(
      WAIT_OUTPUTS.cases.approval?.map((port) => port.id),
      ['approved', 'rejected', 'timeout'],
    );
  });
});

describe('Wait for approval at compile time', () => {
  const at = (extra: Partial<NodeSurroundings> = {}): NodeSurroundings => ({
    nodeId: 'ask',
    connectedPorts: new Set(),
    inLoopBody: false,
    bodyNodeIds: [],
    ...extra,
  });
  const codes = (config: Record<string, unknown>, surroundings = at()) =>
    wait.checkConfig?.(config, surroundings).map((problem) => `${problem.code} ${problem.field}`);

  test('needs approvers and a timeout, outside loop bodies; an expression is checked at run time', () => {
    assert.deepEqual(codes({ mode: 'approval', approvers: 'admin', timeoutSeconds: 60 }), []);
    assert.deepEqual(codes({ mode: 'approval', approvers: '{{ trigger.body.manager }}', timeoutSeconds: 60 }), []);
    assert.deepEqual(codes({ mode: 'approval' }, at({ inLoopBody: true })), [
      'invalid_config config.approvers',
      'wait_needs_timeout config.timeoutSeconds',
      'unsupported_in_loop config.mode',
    ]);
    const [problem] = wait.checkConfig?.({ mode: 'approval', timeoutSeconds: 5 }, at()) ?? [];
    assert.match(problem?.message ?? '', /^Wait "ask": say who may approve/);
  });
});
