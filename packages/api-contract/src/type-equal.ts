/**
 * `true` only when A and B are assignable to each other.  A schema written here for a type another package owns is
 * pinned with `const _same: Equal<z.infer<typeof schema>, TheirType> = true`, so the two cannot drift apart
 * unnoticed.  (Mutual assignability rather than identity: zod's inferred objects are built differently from an
 * interface even where every field agrees.)
 */
export type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
