import type { StepManifest } from '@pipewright/step-sdk';
import { type DragEvent, useContext, useMemo, useState } from 'react';
import { CatalogContext, useEditor } from '../../canvas/editor-context.ts';
import { stepIcon } from '../../canvas/step-icons.ts';
import { STEP_DRAG_TYPE, useAddStep } from '../../canvas/useAddStep.ts';
import { groupPalette } from './palette-search.ts';

/** Searchable list of step types; drag one onto the canvas, or click it to add (connected after the selection). */
export function Palette() {
  const catalog = useContext(CatalogContext);
  const readOnly = useEditor((state) => state.session.readOnly);
  const [query, setQuery] = useState('');
  const groups = useMemo(() => groupPalette(catalog.values(), query), [catalog, query]);
  const addStep = useAddStep();

  const onDragStart = (event: DragEvent, step: StepManifest) => {
    event.dataTransfer.setData(STEP_DRAG_TYPE, step.type);
    event.dataTransfer.effectAllowed = 'copy';
  };

  return (
    <aside className="palette">
      <input
        className="palette-search"
        data-testid="palette-search"
        type="search"
        placeholder="Search steps…"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      {groups.length === 0 && <p className="muted small">No step matches “{query}”.</p>}
      {groups.map((group) => (
        <section
          key={group.package ? `package:${group.package.name}` : group.category}
          className="palette-group"
          {...(group.package ? { 'data-testid': `palette-package-${group.package.name}` } : {})}
        >
          {group.package ? (
            <h3 title={`${group.package.name}@${group.package.version}`}>
              {group.package.name}{' '}
              <span
                className={`palette-badge ${group.package.live ? 'live' : 'offline'}`}
                data-testid="palette-package-status"
                title={
                  group.package.live
                    ? 'A worker is running this package'
                    : 'No worker is running this package: runs that reach its steps wait until one starts'
                }
              >
                {group.package.live ? 'live' : 'no worker'}
              </span>
            </h3>
          ) : (
            <h3>{group.category}</h3>
          )}
          {group.steps.map((step) => (
            <button
              type="button"
              key={step.type}
              className={`palette-item kind-${step.kind}`}
              data-testid={`palette-item-${step.type}`}
              draggable={!readOnly}
              disabled={readOnly}
              title={step.description}
              onDragStart={(event) => onDragStart(event, step)}
              onClick={() => addStep(step.type, { canvas: document.querySelector<HTMLElement>('.canvas') })}
            >
              <span className="palette-icon" aria-hidden>
                {stepIcon(step.type, step)}
              </span>
              <span className="palette-text">
                <span className="palette-title">{step.title}</span>
                <span className="palette-desc">{step.description}</span>
              </span>
            </button>
          ))}
        </section>
      ))}
    </aside>
  );
}
