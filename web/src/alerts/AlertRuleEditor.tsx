import type { AlertChannel, AlertConditionKind, AlertRuleView, CredentialSummary } from '@pipewright/api-contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/api.ts';
import {
  type AlertRuleForm,
  CHANNEL_CREDENTIAL_TYPE,
  type ChannelForm,
  CONDITION_LABELS,
  emptyChannel,
  formToBody,
  newRuleForm,
  ruleToForm,
} from './alert-rule-form.ts';
import { alertKeys, alertsApi } from './alerts-api.ts';

const KINDS: AlertConditionKind[] = ['run_failed', 'failure_rate', 'dlq_size', 'no_run'];
const CHANNEL_LABELS: Record<AlertChannel['type'], string> = {
  email: 'E-mail (SMTP credential)',
  chat: 'Chat (incoming-webhook credential)',
  webhook: 'Webhook (POST JSON to a URL)',
};

/** Create or edit one rule; the server's 400 (naming the field) shows under the form. */
export function AlertRuleEditor(props: {
  flowId: string;
  rule?: AlertRuleView;
  credentials: CredentialSummary[];
  onDone: () => void;
}) {
  const { flowId, rule, credentials, onDone } = props;
  const queryClient = useQueryClient();
  const [form, setForm] = useState<AlertRuleForm>(() => (rule ? ruleToForm(rule) : newRuleForm()));
  const save = useMutation({
    mutationFn: () => {
      const body = formToBody(form, flowId);
      if (!rule) return alertsApi.create(body);
      const { flowId: _unchanged, ...changes } = body;
      return alertsApi.update(rule.id, changes);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: alertKeys.rules(flowId) });
      onDone();
    },
  });
  const set = (changes: Partial<AlertRuleForm>) => setForm((current) => ({ ...current, ...changes }));
  const setChannel = (index: number, changes: Partial<ChannelForm>) =>
    set({ channels: form.channels.map((channel, at) => (at === index ? { ...channel, ...changes } : channel)) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <form className="card form" data-testid="alert-rule-form" onSubmit={submit}>
      <h2>{rule ? `Edit “${rule.name}”` : 'New alert rule'}</h2>
      <div className="form-row">
        <label htmlFor="alert-name">Name</label>
        <input
          id="alert-name"
          className="input"
          data-testid="alert-name"
          value={form.name}
          placeholder="e.g. Orders sync failing"
          onChange={(event) => set({ name: event.target.value })}
        />
      </div>
      <div className="form-row">
        <label htmlFor="alert-kind">Alert when</label>
        <select
          id="alert-kind"
          className="input"
          data-testid="alert-kind"
          value={form.kind}
          onChange={(event) => {
            const kind = KINDS.find((candidate) => candidate === event.target.value);
            if (kind) set({ kind });
          }}
        >
          {KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {CONDITION_LABELS[kind]}
            </option>
          ))}
        </select>
      </div>
      {form.kind === 'failure_rate' && (
        <>
          <NumberRow
            id="alert-threshold"
            label="Failure rate over (%)"
            value={form.thresholdPercent}
            onChange={(thresholdPercent) => set({ thresholdPercent })}
          />
          <NumberRow
            id="alert-window"
            label="Window (minutes, 5–1440)"
            value={form.windowMinutes}
            onChange={(windowMinutes) => set({ windowMinutes })}
          />
          <NumberRow
            id="alert-min-runs"
            label="At least this many runs in the window"
            value={form.minRuns}
            onChange={(minRuns) => set({ minRuns })}
          />
        </>
      )}
      {form.kind === 'dlq_size' && (
        <NumberRow
          id="alert-dlq"
          label="More than this many failed runs waiting"
          value={form.dlqThreshold}
          onChange={(dlqThreshold) => set({ dlqThreshold })}
        />
      )}
      {form.kind === 'no_run' && (
        <NumberRow
          id="alert-idle"
          label="No run for (minutes, 5–10080)"
          value={form.idleMinutes}
          onChange={(idleMinutes) => set({ idleMinutes })}
        />
      )}
      {form.kind === 'waiting_age' && (
        <NumberRow
          id="alert-waiting"
          label="The oldest run waits to start for more than (minutes, 1–1440)"
          value={form.waitingMinutes}
          onChange={(waitingMinutes) => set({ waitingMinutes })}
        />
      )}
      <NumberRow
        id="alert-cooldown"
        label="Cool-down (minutes): no second alert for the same incident before"
        value={form.cooldownMinutes}
        onChange={(cooldownMinutes) => set({ cooldownMinutes })}
      />
      <label>
        <input
          type="checkbox"
          data-testid="alert-enabled"
          checked={form.enabled}
          onChange={(event) => set({ enabled: event.target.checked })}
        />{' '}
        Enabled
      </label>
      <h3>Send to</h3>
      {form.channels.map((channel, index) => (
        <ChannelRow
          // biome-ignore lint/suspicious/noArrayIndexKey: channels have no id; their order is their identity
          key={index}
          index={index}
          channel={channel}
          credentials={credentials}
          onChange={(changes) => setChannel(index, changes)}
          onRemove={() => set({ channels: form.channels.filter((_, at) => at !== index) })}
        />
      ))}
      <div className="button-row">
        {(['email', 'chat', 'webhook'] as const).map((type) => (
          <button
            key={type}
            type="button"
            className="button"
            data-testid={`alert-add-${type}`}
            onClick={() => set({ channels: [...form.channels, emptyChannel(type)] })}
          >
            + {type}
          </button>
        ))}
      </div>
      <div className="button-row">
        <button type="submit" className="button primary" data-testid="alert-save" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      {save.error && (
        <p className="field-error" data-testid="alert-error">
          {errorMessage(save.error)}
        </p>
      )}
    </form>
  );
}

function NumberRow(props: { id: string; label: string; value: string; onChange: (value: string) => void }) {
  return (
    <div className="form-row">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        className="input"
        data-testid={props.id}
        inputMode="numeric"
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </div>
  );
}

function ChannelRow(props: {
  index: number;
  channel: ChannelForm;
  credentials: CredentialSummary[];
  onChange: (changes: Partial<ChannelForm>) => void;
  onRemove: () => void;
}) {
  const { index, channel, onChange } = props;
  const usable = props.credentials.filter((credential) => credential.type === CHANNEL_CREDENTIAL_TYPE[channel.type]);
  const id = (field: string) => `alert-channel-${index}-${field}`;
  return (
    <fieldset className="card form" data-testid={`alert-channel-${index}`}>
      <legend>{CHANNEL_LABELS[channel.type]}</legend>
      {channel.type === 'webhook' && (
        <div className="form-row">
          <label htmlFor={id('url')}>URL</label>
          <input
            id={id('url')}
            className="input"
            data-testid={id('url')}
            value={channel.url}
            placeholder="https://hooks.example.com/pipewright"
            onChange={(event) => onChange({ url: event.target.value })}
          />
        </div>
      )}
      <div className="form-row">
        <label htmlFor={id('credential')}>
          {channel.type === 'webhook' ? 'Bearer token (optional)' : 'Credential'}
        </label>
        <select
          id={id('credential')}
          className="input"
          data-testid={id('credential')}
          value={channel.credentialId}
          onChange={(event) => onChange({ credentialId: event.target.value })}
        >
          <option value="">{channel.type === 'webhook' ? 'None' : 'Choose…'}</option>
          {usable.map((credential) => (
            <option key={credential.id} value={credential.id}>
              {credential.name}
            </option>
          ))}
        </select>
      </div>
      {channel.type === 'email' && (
        <>
          <div className="form-row">
            <label htmlFor={id('from')}>From</label>
            <input
              id={id('from')}
              className="input"
              data-testid={id('from')}
              value={channel.from}
              placeholder="Pipewright <alerts@example.com>"
              onChange={(event) => onChange({ from: event.target.value })}
            />
          </div>
          <div className="form-row">
            <label htmlFor={id('to')}>To (comma-separated)</label>
            <input
              id={id('to')}
              className="input"
              data-testid={id('to')}
              value={channel.to}
              placeholder="ops@example.com"
              onChange={(event) => onChange({ to: event.target.value })}
            />
          </div>
        </>
      )}
      <button type="button" className="button" data-testid={id('remove')} onClick={props.onRemove}>
        Remove
      </button>
    </fieldset>
  );
}
