import {
  acceptCompletion,
  autocompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
  pickedCompletion,
} from '@codemirror/autocomplete';
import { EditorSelection, type Extension, Prec } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import type { PathSuggestion } from '../../data-mapping/data-mapping.ts';
import { FIELD_PATH_MIME } from '../../data-mapping/useDataMapping.ts';
import { acceptPathAt, dropPathAt, pathCompletions } from './path-completion.ts';
import { minimalChange } from './text-change.ts';

/** Where the completion source and the drop handler read the data mapper's current paths. */
export interface PathSource {
  suggestions(): readonly PathSuggestion[];
}

/** Applies a text computed from the whole document as the smallest change, then places the caret. */
function replaceText(
  view: EditorView,
  next: { text: string; caret: number },
  extra: { userEvent: string; picked?: Completion },
) {
  const change = minimalChange(view.state.doc.toString(), next.text);
  view.dispatch({
    ...(change ? { changes: change } : {}),
    selection: EditorSelection.cursor(next.caret),
    userEvent: extra.userEvent,
    scrollIntoView: true,
    ...(extra.picked ? { annotations: pickedCompletion.of(extra.picked) } : {}),
  });
}

function completionSource(source: PathSource) {
  const complete = (context: CompletionContext): CompletionResult | null => {
    const found = pathCompletions(context.state.doc.toString(), context.pos, source.suggestions());
    if (!found) return null;
    return {
      from: found.from,
      to: found.to,
      // Ordered and filtered by the data mapper (shortest path first), not by CodeMirror's fuzzy matcher.
      filter: false,
      // Recomputed on each keystroke in the same transaction: the list is never "pending", so a click on an option
      // right after typing applies it instead of falling between two queries.
      update: (_current, _from, _to, next) => complete(next),
      options: found.options.map(
        (option): Completion => ({
          label: option.path,
          ...(option.type === undefined ? {} : { detail: option.type }),
          apply(view, completion) {
            const accepted = acceptPathAt(view.state.doc.toString(), view.state.selection.main.head, option.path);
            if (accepted) replaceText(view, accepted, { userEvent: 'input.complete', picked: completion });
          },
        }),
      ),
    };
  };
  return complete;
}

/** The label carries `suggestion-<path>`, as the hand-made list did, for tests and for the eye. */
function renderLabel(completion: Completion): Node {
  const label = document.createElement('span');
  label.className = 'mono';
  label.dataset.testid = `suggestion-${completion.label}`;
  label.textContent = completion.label;
  return label;
}

/**
 * Upstream data paths while typing inside `{{ … }}` (arrows, Enter or Tab to accept, Escape to close).  Keys act as
 * soon as the list shows (CodeMirror waits 75 ms by default): the list opens only inside an expression, where Enter
 * is not a new line one meant to type.
 */
export function pathCompletion(source: PathSource): Extension {
  return [
    autocompletion({
      override: [completionSource(source)],
      icons: false,
      interactionDelay: 0,
      tooltipClass: () => 'expression-suggestions',
      addToOptions: [{ render: renderLabel, position: 50 }],
    }),
    Prec.highest(keymap.of([{ key: 'Tab', run: acceptCompletion }])),
    // The list keeps the hand-made list's `expression-suggestions` test id (CodeMirror only lets us add a class).
    EditorView.updateListener.of((update) => {
      const list = update.view.dom.querySelector('.cm-tooltip-autocomplete:not([data-testid])');
      list?.setAttribute('data-testid', 'expression-suggestions');
    }),
  ];
}

/** A field dragged from an output tree lands at the drop point: `{{ path }}` in text, the bare path inside one. */
export const fieldPathDrop: Extension = EditorView.domEventHandlers({
  dragover(event, view) {
    if (view.state.readOnly || !event.dataTransfer?.types.includes(FIELD_PATH_MIME)) return false;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    return false;
  },
  drop(event, view) {
    const path = event.dataTransfer?.getData(FIELD_PATH_MIME);
    if (view.state.readOnly || !path) return false;
    event.preventDefault();
    const position = view.posAtCoords({ x: event.clientX, y: event.clientY }) ?? view.state.selection.main.head;
    view.focus();
    replaceText(view, dropPathAt(view.state.doc.toString(), position, path), { userEvent: 'input.drop' });
    return true;
  },
});
