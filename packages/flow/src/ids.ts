/** Branded identifiers: a NodeId cannot be passed where a FlowId is expected. */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type FlowId = Brand<string, 'FlowId'>;
export type NodeId = Brand<string, 'NodeId'>;
export type EdgeId = Brand<string, 'EdgeId'>;
export type WorkspaceId = Brand<string, 'WorkspaceId'>;
export type RunId = Brand<string, 'RunId'>;

/** Node ids are used inside expressions (`steps.fetch_user.body`), so they must be identifier-like. */
export const NODE_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const asNodeId = (value: string): NodeId => value as NodeId;
export const asEdgeId = (value: string): EdgeId => value as EdgeId;
export const asFlowId = (value: string): FlowId => value as FlowId;
