import type { FlowNode } from '@pipewright/flow';

export interface NodeSearchHit {
  nodeId: string;
  /** What the canvas shows as the node's name: its title, else the step type's title, else the type id. */
  label: string;
  type: string;
}

/** How well a hit matches, best first: an exact name, a name that starts with the query, a word of it, then anywhere. */
const Rank = { Exact: 0, Prefix: 1, WordPrefix: 2, Contains: 3, TypeOrId: 4 } as const;
type Rank = (typeof Rank)[keyof typeof Rank];

function rankText(text: string, query: string): Rank | null {
  const lower = text.toLowerCase();
  if (lower === query) return Rank.Exact;
  if (lower.startsWith(query)) return Rank.Prefix;
  if (lower.split(/[^a-z0-9]+/).some((word) => word.startsWith(query))) return Rank.WordPrefix;
  if (lower.includes(query)) return Rank.Contains;
  return null;
}

/**
 * Nodes whose name (title), step type (id or catalog title) or node id matches `query`, case-insensitively, best
 * first and then in document order; at most `limit`.  An empty query finds nothing.
 */
export function searchNodes(input: {
  nodes: readonly FlowNode[];
  query: string;
  typeTitle: (type: string) => string | undefined;
  limit?: number;
}): NodeSearchHit[] {
  const query = input.query.trim().toLowerCase();
  if (query === '') return [];
  const ranked: { hit: NodeSearchHit; rank: number; index: number }[] = [];
  input.nodes.forEach((node, index) => {
    const typeTitle = input.typeTitle(node.type);
    const label = node.title || typeTitle || node.type;
    const nameRank = rankText(label, query);
    const otherRank = [node.type, typeTitle ?? '', node.id].some((text) => rankText(text, query) !== null)
      ? Rank.TypeOrId
      : null;
    const rank = nameRank ?? otherRank;
    if (rank !== null) ranked.push({ hit: { nodeId: node.id, label, type: node.type }, rank, index });
  });
  ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return ranked.slice(0, input.limit ?? 20).map((entry) => entry.hit);
}
