import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FairItem, FairQueue } from './fair-queue.ts';

const item = (id: string, fairnessKey: string, priorityKey = 2, weight = 1): FairItem => ({
  id,
  fairnessKey,
  priorityKey,
  weight,
});

function drain(queue: FairQueue<FairItem>): string[] {
  const taken: string[] = [];
  for (let next = queue.take(); next; next = queue.take()) taken.push(next.id);
  return taken;
}

test("a flood's backlog is served in turn with another workspace's runs, each workspace in arrival order", () => {
  const queue = new FairQueue<FairItem>();
  for (let n = 1; n <= 5; n++) queue.add(item(`a${n}`, 'ws_a'));
  queue.add(item('b1', 'ws_b'));
  queue.add(item('b2', 'ws_b'));
  assert.deepEqual(drain(queue), ['a1', 'b1', 'a2', 'b2', 'a3', 'a4', 'a5']);
});

test('a lower priority key goes before everything else, whenever it arrives', () => {
  const queue = new FairQueue<FairItem>();
  queue.add(item('a1', 'ws_a'));
  queue.add(item('a2', 'ws_a'));
  assert.equal(queue.take()?.id, 'a1');
  queue.add(item('editor', 'ws_b', 1));
  queue.add(item('nightly', 'ws_b', 3));
  assert.deepEqual(drain(queue), ['editor', 'a2', 'nightly']);
});

test('a workspace with weight 3 is served three times as often', () => {
  const queue = new FairQueue<FairItem>();
  for (let n = 1; n <= 8; n++) {
    queue.add(item(`a${n}`, 'ws_a', 2, 1));
    queue.add(item(`p${n}`, 'ws_premium', 2, 3));
  }
  const firstEight = drain(queue).slice(0, 8);
  assert.equal(firstEight.filter((id) => id.startsWith('p')).length, 6);
});

test('an item waiting already is held once', () => {
  const queue = new FairQueue<FairItem>();
  assert.equal(queue.add(item('a1', 'ws_a')), true);
  assert.equal(queue.add(item('a1', 'ws_a')), false);
  assert.equal(queue.size, 1);
  assert.deepEqual(drain(queue), ['a1']);
  assert.equal(queue.take(), undefined);
});
