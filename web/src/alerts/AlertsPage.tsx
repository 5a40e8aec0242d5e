import type { AlertEventView, AlertRuleView } from '@pipewright/api-contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { useFlow } from '../api/queries.ts';
import { useCredentials } from '../credentials/credentials-api.ts';
import { Link } from '../routing/Link.tsx';
import { paths } from '../routing/router.ts';
import { formatDate } from '../ui/format.ts';
import { AlertRuleEditor } from './AlertRuleEditor.tsx';
import { describeCondition } from './alert-rule-form.ts';
import { alertKeys, alertsApi, useAlertEvents, useAlertRules } from './alerts-api.ts';

/**
 * A flow's alerts: its rules (builders create, edit, test and delete them; viewers read) and the alerts recently
 * sent, with each channel's delivery outcome.
 */
export function AlertsPage({ flowId, canEdit }: { flowId: string; canEdit: boolean }) {
  const flow = useFlow(flowId);
  const rules = useAlertRules(flowId);
  const events = useAlertEvents(flowId);
  // Credentials are listed to builders and up; the editor only needs ids, names and types.
  const credentials = useCredentials();
  const [editing, setEditing] = useState<AlertRuleView | 'new' | null>(null);

  return (
    <div className="page" data-testid="alerts-page">
      <header className="page-header">
        <div>
          <Link to={paths.editor(flowId)} className="back-link">
            ← {flow.data?.name ?? 'Flow'}
          </Link>
          <h1>Alerts</h1>
        </div>
        {canEdit && editing === null && (
          <button type="button" className="button primary" data-testid="alert-new" onClick={() => setEditing('new')}>
            New rule
          </button>
        )}
      </header>
      {editing !== null && (
        <AlertRuleEditor
          key={editing === 'new' ? 'new' : editing.id}
          flowId={flowId}
          {...(editing === 'new' ? {} : { rule: editing })}
          credentials={credentials.data ?? []}
          onDone={() => setEditing(null)}
        />
      )}
      {rules.error && <p className="field-error">{errorMessage(rules.error)}</p>}
      {rules.isPending && <p className="muted">Loading…</p>}
      {rules.data && (
        <table className="table" data-testid="alert-rules">
          <thead>
            <tr>
              <th>Rule</th>
              <th>When</th>
              <th>Channels</th>
              <th>Status</th>
              <th>Last alert</th>
              {canEdit && <th />}
            </tr>
          </thead>
          <tbody>
            {rules.data.length === 0 && (
              <tr>
                <td colSpan={canEdit ? 6 : 5} className="muted">
                  No alert rules yet.
                </td>
              </tr>
            )}
            {rules.data.map((rule) => (
              <RuleRow key={rule.id} rule={rule} canEdit={canEdit} onEdit={() => setEditing(rule)} />
            ))}
          </tbody>
        </table>
      )}
      <h2>Recent alerts</h2>
      {events.error && <p className="field-error">{errorMessage(events.error)}</p>}
      {events.data && <EventsTable events={events.data} />}
    </div>
  );
}

function RuleRow({ rule, canEdit, onEdit }: { rule: AlertRuleView; canEdit: boolean; onEdit: () => void }) {
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: alertKeys.all });
  const test = useMutation({ mutationFn: () => alertsApi.test(rule.id), onSuccess: refresh });
  const remove = useMutation({ mutationFn: () => alertsApi.delete(rule.id), onSuccess: refresh });
  const error = test.error ?? remove.error;
  return (
    <tr data-testid={`alert-rule-${rule.id}`} data-status={rule.status}>
      <td>
        {rule.name}
        {!rule.enabled && <span className="muted small"> (off)</span>}
      </td>
      <td>{describeCondition(rule.condition)}</td>
      <td>{rule.channels.map((channel) => channel.type).join(', ')}</td>
      <td>
        <span className={`badge status-${rule.status === 'firing' ? 'failed' : 'succeeded'}`}>{rule.status}</span>
      </td>
      <td>{rule.lastFiredAt ? formatDate(rule.lastFiredAt) : '—'}</td>
      {canEdit && (
        <td>
          <div className="button-row">
            <button type="button" className="button" data-testid="alert-edit" onClick={onEdit}>
              Edit
            </button>
            <button
              type="button"
              className="button"
              data-testid="alert-test"
              disabled={test.isPending}
              onClick={() => test.mutate()}
            >
              {test.isPending ? 'Sending…' : 'Send a test alert'}
            </button>
            <button
              type="button"
              className="button danger"
              data-testid="alert-delete"
              disabled={remove.isPending}
              onClick={() => {
                if (window.confirm(`Delete the alert rule “${rule.name}”?`)) remove.mutate();
              }}
            >
              Delete
            </button>
          </div>
          {error && <p className="field-error">{errorMessage(error)}</p>}
        </td>
      )}
    </tr>
  );
}

function EventsTable({ events }: { events: AlertEventView[] }) {
  if (events.length === 0) return <p className="muted">No alerts sent yet.</p>;
  return (
    <table className="table" data-testid="alert-events">
      <thead>
        <tr>
          <th>When</th>
          <th>Rule</th>
          <th>What</th>
          <th>Delivery</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <tr key={event.id} data-testid={`alert-event-${event.id}`}>
            <td>{formatDate(event.at)}</td>
            <td>
              {event.ruleName}
              {event.kind === 'test' && <span className="muted small"> (test)</span>}
            </td>
            <td>{event.summary}</td>
            <td>
              {event.deliveries.map((delivery, index) => (
                <div
                  // biome-ignore lint/suspicious/noArrayIndexKey: one delivery per channel, in channel order
                  key={index}
                  data-testid="alert-delivery"
                  data-status={delivery.status}
                  title={delivery.error ?? ''}
                >
                  {delivery.channel}: {delivery.status}
                  {delivery.error && <span className="muted small"> — {delivery.error}</span>}
                </div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
