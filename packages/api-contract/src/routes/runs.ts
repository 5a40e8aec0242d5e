/** The filters of `GET /api/runs` beyond the flow (merged in routes/index.ts). */
export const runsFilterQuery: { name: string; description: string; schema: Record<string, unknown> }[] = [
  {
    name: 'status',
    description:
      'One or several, comma-separated: queued, running, succeeded, failed, cancelled, terminated, timed_out',
    schema: { type: 'string' },
  },
  { name: 'version', description: 'Only runs of this flow version', schema: { type: 'integer', minimum: 0 } },
  {
    name: 'trigger',
    description: 'What started the run',
    schema: { type: 'string', enum: ['webhook', 'manual', 'schedule', 'poll', 'message', 'error'] },
  },
  { name: 'from', description: 'Started at or after (ISO 8601)', schema: { type: 'string', format: 'date-time' } },
  { name: 'to', description: 'Started at or before (ISO 8601)', schema: { type: 'string', format: 'date-time' } },
  {
    name: 'key',
    description:
      '`name=value` of a searchable field the flow declares (flow settings → searchable); repeat for several (at most 5, all must match). Values are matched on their first 100 characters.',
    schema: { type: 'string' },
  },
  { name: 'cursor', description: '`nextCursor` of the previous page (same filters)', schema: { type: 'string' } },
];
