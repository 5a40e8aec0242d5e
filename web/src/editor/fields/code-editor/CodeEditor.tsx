import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { type Diagnostic, setDiagnostics } from '@codemirror/lint';
import { Annotation, Compartment, EditorState, type Extension, Prec, Transaction } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderText } from '@codemirror/view';
import { type CSSProperties, useEffect, useRef } from 'react';
import { flattenLineBreaks, minimalChange } from './text-change.ts';
import './code-editor.css';

export interface CodeEditorProps {
  value: string;
  onChange(text: string): void;
  onBlur?(): void;
  /** Set on the contenteditable element (`data-testid`), where e2e tests fill, click and type. */
  testId?: string;
  /** The contenteditable element's id, so a `<label htmlFor>` focuses it. */
  id?: string;
  /** Its accessible name: a `<label>` cannot name a contenteditable element, so the field's label goes here too. */
  ariaLabel?: string;
  disabled?: boolean;
  placeholder?: string;
  /** One line, as an `<input>`: Enter inserts nothing, pasted line breaks become spaces. */
  singleLine?: boolean;
  /** Visible lines of a multi-line editor before it grows (default 4). */
  rows?: number;
  /** Classes of the box around the editor (e.g. `input mono`). */
  className?: string;
  /** Language, completion, drop…  Reconfigured when the identity changes: memoize it. */
  extensions?: Extension;
  /** Marks shown as lint diagnostics; replaced whenever the array changes. */
  diagnostics?: readonly Diagnostic[];
}

/** Transactions that carry a new `value` from outside: they are not echoed back through `onChange`. */
const fromOutside = Annotation.define<boolean>();

/** Blocks new lines in one-line mode; a value set from outside is shown as it is (nothing stored is rewritten). */
const singleLineFilter = EditorState.transactionFilter.of((tr) => {
  if (!tr.docChanged || tr.annotation(fromOutside) || tr.newDoc.lines === 1) return tr;
  const changes: { from: number; to: number; insert: string }[] = [];
  tr.changes.iterChanges((from, to, _fromB, _toB, inserted) => {
    changes.push({ from, to, insert: flattenLineBreaks(inserted.sliceString(0, inserted.length, '\n')) });
  });
  // Same lengths, so the transaction's selection still fits.
  return { changes, selection: tr.selection, effects: tr.effects, scrollIntoView: tr.scrollIntoView };
});

const singleLine: Extension = [
  singleLineFilter,
  Prec.high(keymap.of([{ key: 'Enter', run: () => true, shift: () => true }])),
];

interface Settings {
  testId: string | undefined;
  id: string | undefined;
  ariaLabel: string | undefined;
  disabled: boolean | undefined;
  placeholder: string | undefined;
  singleLine: boolean | undefined;
}

function settings(props: Settings): Extension {
  const attributes: Record<string, string> = { 'aria-multiline': props.singleLine ? 'false' : 'true' };
  if (props.testId) attributes['data-testid'] = props.testId;
  const id = props.id ?? props.testId;
  if (id) attributes.id = id;
  if (props.ariaLabel) attributes['aria-label'] = props.ariaLabel;
  if (props.disabled) attributes['aria-disabled'] = 'true';
  return [
    EditorView.contentAttributes.of(attributes),
    EditorState.readOnly.of(props.disabled === true),
    EditorView.editable.of(props.disabled !== true),
    props.placeholder ? placeholderText(props.placeholder) : [],
    props.singleLine ? singleLine : EditorView.lineWrapping,
  ];
}

const settingsOf = ({ testId, id, ariaLabel, disabled, placeholder, singleLine }: CodeEditorProps): Settings => ({
  testId,
  id,
  ariaLabel,
  disabled,
  placeholder,
  singleLine,
});

/**
 * A CodeMirror 6 editor as a controlled React input.  The view is created once; a new `value` from outside is applied
 * as the smallest change (so the caret stays where it was), settings and `extensions` are swapped in compartments,
 * and the view is destroyed on unmount.
 */
export function CodeEditor(props: CodeEditorProps) {
  const { value, extensions, diagnostics } = props;
  const host = useRef<HTMLDivElement | null>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const compartments = useRef({ settings: new Compartment(), extensions: new Compartment() });

  useEffect(() => {
    if (!host.current) return;
    const created = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: latest.current.value,
        extensions: [
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          compartments.current.settings.of(settings(settingsOf(latest.current))),
          compartments.current.extensions.of(latest.current.extensions ?? []),
          EditorView.updateListener.of((update) => {
            const typed = update.transactions.some((tr) => tr.docChanged && !tr.annotation(fromOutside));
            if (update.docChanged && typed) latest.current.onChange(update.state.doc.toString());
            if (update.focusChanged && !update.view.hasFocus) latest.current.onBlur?.();
          }),
        ],
      }),
    });
    view.current = created;
    return () => {
      created.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    const current = view.current;
    if (!current) return;
    const change = minimalChange(current.state.doc.toString(), value);
    // Not in the field's own undo history: the flow's undo made it, or another node's value replaced this one.
    if (change) {
      current.dispatch({ changes: change, annotations: [fromOutside.of(true), Transaction.addToHistory.of(false)] });
    }
  }, [value]);

  const { testId, id, ariaLabel, disabled, placeholder, singleLine: isSingleLine } = props;
  useEffect(() => {
    view.current?.dispatch({
      effects: compartments.current.settings.reconfigure(
        settings({ testId, id, ariaLabel, disabled, placeholder, singleLine: isSingleLine }),
      ),
    });
  }, [testId, id, ariaLabel, disabled, placeholder, isSingleLine]);

  useEffect(() => {
    view.current?.dispatch({ effects: compartments.current.extensions.reconfigure(extensions ?? []) });
  }, [extensions]);

  useEffect(() => {
    const current = view.current;
    if (!current) return;
    // Computed against `value`, which the effect above has just applied; clamped all the same.
    const length = current.state.doc.length;
    const fitted = (diagnostics ?? []).map((mark) => ({
      ...mark,
      from: Math.min(mark.from, length),
      to: Math.min(mark.to, length),
    }));
    current.dispatch(setDiagnostics(current.state, fitted));
  }, [diagnostics]);

  const style: CSSProperties & { '--code-editor-rows'?: string } = props.singleLine
    ? {}
    : { '--code-editor-rows': String(props.rows ?? 4) };
  return (
    <div
      ref={host}
      className={`code-editor ${props.singleLine ? 'single-line' : 'multi-line'} ${props.className ?? ''}`}
      data-disabled={props.disabled ? 'true' : undefined}
      style={style}
    />
  );
}
