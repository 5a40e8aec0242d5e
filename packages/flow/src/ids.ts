/**
 * Branded identifiers of the document: a NodeId cannot be passed where an EdgeId is expected.  Only the ids the
 * document's own edits mix up are branded; flows, workspaces and runs are plain strings across the apps.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type NodeId = Brand<string, 'NodeId'>;
export type EdgeId = Brand<string, 'EdgeId'>;

/** Node ids are used inside expressions (`steps.fetch_user.body`), so they must be identifier-like. */
export const NODE_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const asNodeId = (value: string): NodeId => value as NodeId;
export const asEdgeId = (value: string): EdgeId => value as EdgeId;
