import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The search attributes every run carries, so runs can be found in Temporal by workspace, flow, version and trigger.
 * Registered by the dev stack (`packages/devstack`) and by docker-compose.yml; set at start by every starter.
 */
export const WORKSPACE_ID = defineSearchAttributeKey('WorkspaceId', SearchAttributeType.KEYWORD);
export const FLOW_ID = defineSearchAttributeKey('FlowId', SearchAttributeType.KEYWORD);
export const FLOW_VERSION = defineSearchAttributeKey('FlowVersion', SearchAttributeType.INT);
export const RUN_TRIGGER = defineSearchAttributeKey('RunTrigger', SearchAttributeType.KEYWORD);
/**
 * The values of the flow's searchable fields (`ExecutionPlan.searchable`) for this run, as `name=value` items
 * (`runKeyItem`): set by the run's workflow as it starts, so every way a run starts carries them.
 */
export const RUN_KEYS = defineSearchAttributeKey('RunKeys', SearchAttributeType.KEYWORD_LIST);

export const RUN_SEARCH_ATTRIBUTES = [WORKSPACE_ID, FLOW_ID, FLOW_VERSION, RUN_TRIGGER, RUN_KEYS];
