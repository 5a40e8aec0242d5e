import type { CompileError } from './compile-result.ts';

/** One issue of the flow document schema's parse (zod's shape). */
interface SchemaIssue {
  path: PropertyKey[];
  message: string;
}

/** Schema issues, located on the node or edge they belong to when the path says so. */
export function documentErrors(document: unknown, issues: SchemaIssue[]): CompileError[] {
  return issues.map((issue) => {
    const path = issue.path.map((segment) => (typeof segment === 'symbol' ? segment.toString() : segment));
    const [collection, index, ...rest] = path;
    const owner =
      (collection === 'nodes' || collection === 'edges') && typeof index === 'number'
        ? idAt(document, collection, index)
        : undefined;
    if (owner !== undefined && rest.length > 0) {
      const field = rest.join('.');
      const location = collection === 'nodes' ? { nodeId: owner } : { edgeId: owner };
      const what = collection === 'nodes' ? 'Node' : 'Connection';
      return {
        code: 'invalid_document',
        ...location,
        field,
        message: `${what} "${owner}": ${field}: ${issue.message}`,
      };
    }
    const field = path.join('.');
    return {
      code: 'invalid_document',
      ...(field ? { field } : {}),
      message: field ? `${field}: ${issue.message}` : issue.message,
    };
  });
}

function idAt(document: unknown, collection: 'nodes' | 'edges', index: number): string | undefined {
  if (document === null || typeof document !== 'object' || !(collection in document)) return undefined;
  const list: unknown = Reflect.get(document, collection);
  const item: unknown = Array.isArray(list) ? list[index] : undefined;
  if (item === null || typeof item !== 'object' || !('id' in item)) return undefined;
  return typeof item.id === 'string' ? item.id : undefined;
}
