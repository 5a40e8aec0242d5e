import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GroupCommit, type ItemOutcomes } from './group-commit.ts';

/** A writer whose writes finish only when the test says so, recording what each write was given. */
function heldWriter() {
  const writes: string[][] = [];
  const finish: (() => void)[] = [];
  const write = (items: string[]): Promise<ItemOutcomes<string>> => {
    writes.push(items);
    return new Promise((resolve) => {
      finish.push(() =>
        resolve(
          items.map((item) =>
            item.startsWith('bad') ? { ok: false, error: new Error(item) } : { ok: true, value: `${item}!` },
          ),
        ),
      );
    });
  };
  return { writes, finish, write };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  test('a lone item is written at once; items arriving during a write go together in the next one', async () => {
    const writer = heldWriter();
    const group = new GroupCommit(writer.write);
    const first = group.submit('a');
    await settle();
    assert.deepEqual(writer.writes, [['a']], 'the first item does not wait for company');

    const later = ['b', 'c', 'd'].map((item) => group.submit(item));
    await settle();
    assert.equal(writer.writes.length, 1, 'nothing else is written while the first write is in flight');

    writer.finish[0]?.();
    assert.equal(await first, 'a!');
    await settle();
    assert.deepEqual(writer.writes, [['a'], ['b', 'c', 'd']]);
    writer.finish[1]?.();
    assert.deepEqual(await Promise.all(later), ['b!', 'c!', 'd!']);
  });

  test('each caller gets its own outcome: one bad item fails alone', async () => {
    const writer = heldWriter();
    const group = new GroupCommit(writer.write);
    const blocker = group.submit('x');
    const results = ['ok1', 'bad-item', 'ok2'].map((item) => group.submit(item));
    writer.finish[0]?.();
    await blocker;
    await settle();
    writer.finish[1]?.();
    const settled = await Promise.allSettled(results);
    assert.deepEqual(
      settled.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message)),
      ['ok1!', 'bad-item', 'ok2!'],
    );
  });

  test('a writer that throws fails its batch, and the next batch is still written', async () => {
    const writer = heldWriter();
    const group = new GroupCommit<string, string>(async (items) => {
      if (items.includes('doomed')) throw new Error('database unreachable');
      return writer.write(items);
    });
    const blocker = group.submit('first');
    const doomedBatch = [group.submit('doomed'), group.submit('with-it')];
    writer.finish[0]?.();
    await blocker;
    const results = await Promise.allSettled(doomedBatch);
    assert.deepEqual(
      results.map((result) => (result.status === 'rejected' ? (result.reason as Error).message : result.value)),
      ['database unreachable', 'database unreachable'],
    );
    const after = group.submit('after');
    await settle();
    writer.finish[1]?.();
    assert.equal(await after, 'after!', 'a failed write does not wedge the ones after it');
  });

  test('batches are at most maxBatch items', async () => {
    const writer = heldWriter();
    const group = new GroupCommit(writer.write, 2);
    const all = ['a', 'b', 'c', 'd', 'e'].map((item) => group.submit(item));
    for (let round = 0; round < 4; round++) {
      await settle();
      writer.finish[round]?.();
    }
    await Promise.all(all);
    assert.deepEqual(writer.writes, [['a'], ['b', 'c'], ['d', 'e']]);
  });
});
