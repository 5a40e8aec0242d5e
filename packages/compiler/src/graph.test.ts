import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ancestorsOf, buildGraph, findCycles, reachableFrom, topologicalOrder } from './graph.ts';

const chain = (length: number) => {
  const ids = Array.from({ length }, (_, index) => `n${index}`);
  const edges = ids.slice(1).map((id, index) => ({ source: `n${index}`, target: id }));
  return { ids, edges };
};

describe('graph', () => {
  it('handles a 5,000-node chain without recursion limits', () => {
    const { ids, edges } = chain(5000);
    const graph = buildGraph(ids, edges);
    assert.deepEqual(topologicalOrder(graph), ids);
    assert.deepEqual(findCycles(graph), []);
    assert.equal(ancestorsOf(graph, 'n4999').size, 4999);
    assert.equal(reachableFrom(graph, ['n0']).size, 5000);

    const looped = buildGraph(ids, [...edges, { source: 'n4999', target: 'n0' }]);
    assert.equal(findCycles(looped)[0]?.length, 5000);
  });

  it('separates independent cycles and ignores edges to unknown nodes', () => {
    const graph = buildGraph(
      ['a', 'b', 'c', 'd', 'e'],
      [
        { source: 'd', target: 'e' },
        { source: 'e', target: 'd' },
        { source: 'a', target: 'b' },
        { source: 'b', target: 'a' },
        { source: 'c', target: 'c' },
        { source: 'c', target: 'ghost' },
      ],
    );
    assert.deepEqual(findCycles(graph), [['a', 'b'], ['c'], ['d', 'e']]);
  });

  it('ancestors exclude the node itself even inside a cycle, and siblings', () => {
    const graph = buildGraph(
      ['t', 'x', 'y', 'z'],
      [
        { source: 't', target: 'x' },
        { source: 't', target: 'y' },
        { source: 'y', target: 'z' },
        { source: 'z', target: 'y' },
      ],
    );
    assert.deepEqual([...ancestorsOf(graph, 'y')].sort(), ['t', 'z']);
    assert.deepEqual([...ancestorsOf(graph, 'x')], ['t']);
  });

  it('lists each neighbour once, however many connections join two nodes', () => {
    const graph = buildGraph(
      ['check', 'next'],
      [
        { source: 'check', target: 'next' },
        { source: 'check', target: 'next' },
      ],
    );
    assert.deepEqual([graph.successors.get('check'), graph.predecessors.get('next')], [['next'], ['check']]);
  });

  it('finds a cycle through any successor, not only the first', () => {
    const graph = buildGraph(
      ['a', 'b', 'c'],
      [
        { source: 'a', target: 'b' },
        { source: 'a', target: 'c' },
        { source: 'c', target: 'a' },
      ],
    );
    assert.deepEqual(findCycles(graph), [['a', 'c']]);
  });

  it('lists cycles by the document position of their first node, whatever order it found them in', () => {
    const graph = buildGraph(
      ['p', 'q', 'r', 's'],
      [
        { source: 'p', target: 'p' },
        { source: 'p', target: 'r' },
        { source: 'r', target: 's' },
        { source: 's', target: 'r' },
      ],
    );
    assert.deepEqual(findCycles(graph), [['p'], ['r', 's']]);
  });

  it('orders nodes ready at the same time by document position, not by connection order', () => {
    const graph = buildGraph(
      ['x', 'b', 'a', 'c'],
      [
        { source: 'x', target: 'a' },
        { source: 'x', target: 'b' },
        { source: 'x', target: 'c' },
      ],
    );
    assert.deepEqual(topologicalOrder(graph), ['x', 'b', 'a', 'c']);
  });
});
