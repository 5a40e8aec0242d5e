import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NodeSurroundings } from './control-step.ts';
import { waitControlStep as wait } from './wait.ts';

const NOW = Date.UTC(2030, 0, 1);

describe('Wait at run time', () => {
  test('a delay ends durationSeconds from now; until at its date; anything else is refused', () => {
    assert.equal(wait.timerUntil({ durationSeconds: 90 }, NOW), NOW + 90_000);
    assert.equal(wait.timerUntil({ mode: 'until', until: '2030-01-02T00:00:00Z' }, NOW), Date.UTC(2030, 0, 2));
    assert.equal(wait.timerUntil({ mode: 'until', until: NOW + 5 }, NOW), NOW + 5);
    const refused: [Record<string, unknown>, RegExp][] = [
      [{ durationSeconds: -1 }, /^durationSeconds: must be a number of seconds, got -1$/],
      [{ mode: 'until', until: 'soon' }, /^until: "soon" is not a date\/time/],
      [{ mode: 'later' }, /^mode: must be delay, until, event or approval, got "later"$/],
    ];
    for (const [config, message] of refused) assert.throws(() => wait.timerUntil(config, NOW), { message });
  });

  test('its output says until when it waited (never before now)', () => {
    assert.deepEqual(wait.timerOutput(NOW - 1000, NOW), { waitedUntil: '2030-01-01T00:00:00.000Z' });
  });

  test('an event wait: its name and timeout; a timeout fires its port, or fails when nothing is connected', () => {
    assert.equal(wait.isEventWait({ mode: 'event' }), true);
    assert.equal(wait.isEventWait({}), false);
    const event = wait.eventWaitOf({ mode: 'event', eventName: 'approval', timeoutSeconds: 2 });
    assert.deepEqual(event, { eventName: 'approval', timeoutMs: 2000 });
    assert.deepEqual(wait.eventWaitOf({ mode: 'event', eventName: '' }), {
      eventName: undefined,
      timeoutMs: undefined,
    });
    assert.deepEqual(wait.timedOut(event, true), { output: { timedOut: true }, ports: [wait.timeoutPort] });
    assert.throws(() => wait.timedOut(event, false), { message: /^no "approval" event arrived within 2 s/ });
  });
});

describe('Wait at compile time', () => {
  const at = (extra: Partial<NodeSurroundings> = {}): NodeSurroundings => ({
    nodeId: 'pause',
    connectedPorts: new Set(),
    inLoopBody: false,
    bodyNodeIds: [],
    ...extra,
  });
  const codes = (config: Record<string, unknown>, surroundings = at()) =>
    wait.checkConfig?.(config, surroundings).map((problem) => `${problem.code} ${problem.field}`);

  test('each mode needs its field; an event wait a timeout, outside loop bodies', () => {
    assert.deepEqual(codes({}), ['invalid_config config.durationSeconds']);
    assert.deepEqual(codes({ mode: 'until' }), ['invalid_config config.until']);
    assert.deepEqual(codes({ mode: 'event', timeoutSeconds: 5 }), []);
    assert.deepEqual(codes({ mode: 'event' }, at({ inLoopBody: true })), [
      'wait_needs_timeout config.timeoutSeconds',
      'unsupported_in_loop config.mode',
    ]);
  });
});
