import type { FailureGroupView } from '@pipewright/api-contract';
import { useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { useFlows } from '../api/queries.ts';
import { Link } from '../routing/Link.tsx';
import { paths } from '../routing/router.ts';
import { formatDate } from '../ui/format.ts';
import { useFailureGroups } from './failures-api.ts';
import { GroupRuns } from './GroupRuns.tsx';

/** The failed-runs queue: unresolved failures grouped by cause; a group opens its runs and the bulk actions. */
export function FailuresPage() {
  const groups = useFailureGroups();
  const flows = useFlows();
  // The opened group itself, not its id: it stays open with the action's results once its runs are all resolved.
  const [openGroup, setOpenGroup] = useState<FailureGroupView | null>(null);
  const open = openGroup?.errorGroup;
  const flowNames = new Map((flows.data ?? []).map((flow) => [flow.id, flow.name]));
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <Link to={paths.runs()} className="back-link">
            ← All runs
          </Link>
          <h1>Failed runs</h1>
        </div>
      </header>
      {groups.error && <p className="field-error">{errorMessage(groups.error)}</p>}
      {groups.isPending && <p className="muted">Loading…</p>}
      {groups.data && (
        <table className="table clickable" data-testid="failure-groups">
          <thead>
            <tr>
              <th>Error</th>
              <th>Step</th>
              <th>Runs</th>
              <th>Flows</th>
              <th>First seen</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {groups.data.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No failed runs waiting.
                </td>
              </tr>
            )}
            {groups.data.map((group) => (
              <tr
                key={group.errorGroup}
                className={group.errorGroup === open ? 'active' : ''}
                data-testid={`failure-group-${group.errorGroup}`}
                onClick={() => setOpenGroup(group.errorGroup === open ? null : group)}
              >
                <td>
                  {group.sample.errorCode && <span className="badge">{group.sample.errorCode}</span>}{' '}
                  {group.sample.errorMessage}
                </td>
                <td>{group.sample.nodeTitle || group.sample.nodeId}</td>
                <td data-testid={`failure-group-count-${group.errorGroup}`}>{group.count}</td>
                <td>{group.flowIds.map((id) => flowNames.get(id) ?? id).join(', ')}</td>
                <td>{formatDate(group.firstSeen)}</td>
                <td>{formatDate(group.lastSeen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {openGroup && <GroupRuns key={openGroup.errorGroup} group={openGroup} flowNames={flowNames} />}
    </div>
  );
}
