import type { CredentialDetail, CredentialNetwork } from '@pipewright/api-contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { credentialKeys, credentialsApi } from './credentials-api.ts';

/**
 * Which non-public networks HTTP requests of nodes using this credential may reach (admins).  Public addresses are
 * always reachable; private ranges and cloud metadata are blocked unless allowed here (the worker's SSRF guard).
 */
export function NetworkAccessForm({ credential }: { credential: CredentialDetail }) {
  const queryClient = useQueryClient();
  const [allowPrivate, setAllowPrivate] = useState(credential.network?.allowPrivate ?? false);
  const [allowMetadata, setAllowMetadata] = useState(credential.network?.allowMetadata ?? false);
  const [hosts, setHosts] = useState((credential.network?.allowedHosts ?? []).join(', '));
  const save = useMutation({
    mutationFn: () => {
      const allowedHosts = hosts
        .split(',')
        .map((host) => host.trim())
        .filter(Boolean);
      const body: CredentialNetwork = { allowPrivate, allowMetadata, ...(allowedHosts.length ? { allowedHosts } : {}) };
      return credentialsApi.setNetwork(credential.id, body);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: credentialKeys.detail(credential.id) }),
  });
  return (
    <fieldset className="network-access" data-testid="credential-network">
      <legend>Network access</legend>
      <label>
        <input
          type="checkbox"
          data-testid="credential-allow-private"
          checked={allowPrivate}
          onChange={(event) => setAllowPrivate(event.target.checked)}
        />{' '}
        Allow private networks (loopback, 10/8, 172.16/12, 192.168/16…)
      </label>
      <label>
        <input
          type="checkbox"
          data-testid="credential-allow-metadata"
          checked={allowMetadata}
          onChange={(event) => setAllowMetadata(event.target.checked)}
        />{' '}
        Also allow cloud metadata addresses (169.254.169.254 — hands out cloud credentials)
      </label>
      <label>
        Only these hosts (comma-separated, <code>*.corp.example</code> allowed; empty = any host)
        <input
          className="input"
          data-testid="credential-allowed-hosts"
          value={hosts}
          onChange={(event) => setHosts(event.target.value)}
        />
      </label>
      <button type="button" className="button" data-testid="credential-network-save" onClick={() => save.mutate()}>
        {save.isPending ? 'Saving…' : 'Save network access'}
      </button>
      {save.isSuccess && <span className="muted small"> Saved</span>}
      {save.error && <p className="field-error">{errorMessage(save.error)}</p>}
    </fieldset>
  );
}
