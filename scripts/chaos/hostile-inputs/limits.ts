/**
 * The server's limits, as the drill knows them: what decides whether a hostile body must be refused (a depth over a
 * nesting limit) and with which status (413 over a size limit).  They are the server's defaults; a server started
 * with other `PIPEWRIGHT_MAX_*` settings would be judged against the wrong numbers.
 */

export const MEGABYTE = 1024 * 1024;
/** The API's JSON body limit (app.ts, 5mb) and the webhook trigger's default `maxBodyBytes` (1 MiB). */
export const API_BODY_LIMIT = 5 * 1024 * 1024;
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/**
 * The most a run may start with, its trigger data and the flow's plan together (server/src/runs/runs.service.ts
 * MAX_RUN_START_BYTES): a manual run's body over it holds more than that, so its answer must be 413 as well.
 */
export const RUN_INPUT_LIMIT = 1.5 * MEGABYTE;
/** The server's default nesting limits: flow documents, and any request body (`PIPEWRIGHT_MAX_*_DEPTH`). */
export const DOCUMENT_DEPTH_LIMIT = 64;
export const BODY_DEPTH_LIMIT = 256;
/** A node's config sits at level 4 of a document (document, nodes, node, config). */
export const CONFIG_LEVEL = 4;
