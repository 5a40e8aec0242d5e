import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The search attributes every run carries (registered by the dev stack), so runs can be found in Temporal. */
export const WORKSPACE_ID = defineSearchAttributeKey('WorkspaceId', SearchAttributeType.KEYWORD);
export const FLOW_ID = defineSearchAttributeKey('FlowId', SearchAttributeType.KEYWORD);
export const FLOW_VERSION = defineSearchAttributeKey('FlowVersion', SearchAttributeType.INT);
export const RUN_TRIGGER = defineSearchAttributeKey('RunTrigger', SearchAttributeType.KEYWORD);
