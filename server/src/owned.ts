import type { Collection, Document, Filter, WithId } from 'mongodb';

/**
 * A workspace's document by id, or null — also when the id is another workspace's.  FerretDB (the embedded store)
 * answers a filter that is exactly `{ _id }` from the collection's `_id` index and decodes every document of the
 * collection for any other filter, `{ _id, workspaceId }` included; so the lookup is by `_id` alone and the
 * workspace is checked here.  MongoDB answers both from the index.
 */
export async function findOwned<T extends Document & { workspaceId: string }>(
  collection: Collection<T>,
  id: string,
  workspaceId: string,
): Promise<WithId<T> | null> {
  const found = await collection.findOne({ _id: id } as Filter<T>);
  return found !== null && found.workspaceId === workspaceId ? found : null;
}
