import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The search attributes every run carries, so runs can be found in Temporal by workspace, flow, version and trigger.
 * Registered by the dev stack (`packages/devstack`) and by docker-compose.yml; set at start by every starter.
 */
export const WORKSPACE_ID = defineSearchAttributeKey('WorkspaceId', SearchAttributeType.KEYWORD);
export const FLOW_ID = defineSearchAttributeKey('FlowId', SearchAttributeType.KEYWORD);
export const FLOW_VERSION = defineSearchAttributeKey('FlowVersion', SearchAttributeType.INT);
export const RUN_TRIGGER = defineSearchAttributeKey('RunTrigger', SearchAttributeType.KEYWORD);

export const RUN_SEARCH_ATTRIBUTES = [WORKSPACE_ID, FLOW_ID, FLOW_VERSION, RUN_TRIGGER];
