import { type DragEvent, type KeyboardEvent, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import {
  acceptSuggestion,
  type CaretToken,
  filterSuggestions,
  insertFieldAt,
  type PreviewResult,
  previewTemplate,
  tokenAtCaret,
} from '../data-mapping/data-mapping.ts';
import { FIELD_PATH_MIME, useDataMappingContext } from '../data-mapping/useDataMapping.ts';

interface ExpressionInputProps {
  /** `field-<name>`; the preview is `expression-preview-<name>`. */
  testId: string;
  value: string;
  onChange(text: string): void;
  onBlur?(): void;
  multiline?: boolean;
  rows?: number;
  disabled?: boolean;
  placeholder?: string;
  className?: string;
  id?: string;
  /** How to preview the text (default: evaluate it as one template). */
  preview?(text: string, context: Record<string, unknown>): Promise<PreviewResult>;
}

type TextElement = HTMLInputElement | HTMLTextAreaElement;

/**
 * A text input that understands `{{ … }}`: suggests upstream paths while typing inside an expression (arrows,
 * Enter/Tab, Escape), accepts fields dragged from an output tree at the drop point, and previews the value against
 * sample data.  Without a data-mapping context (outside the inspector) it is a plain input.
 */
export function ExpressionInput(props: ExpressionInputProps) {
  const { testId, value, onChange, multiline = false, disabled = false } = props;
  const mapping = useDataMappingContext();
  const ref = useRef<TextElement | null>(null);
  const pendingCaret = useRef<number | null>(null);
  const [token, setToken] = useState<CaretToken | null>(null);
  const [active, setActive] = useState(0);
  const [focused, setFocused] = useState(false);

  const suggestions = useMemo(
    () => (token && mapping ? filterSuggestions(mapping.suggestions, token.prefix) : []),
    [token, mapping],
  );
  const open = focused && suggestions.length > 0;

  useLayoutEffect(() => {
    const caret = pendingCaret.current;
    if (caret === null || !ref.current) return;
    pendingCaret.current = null;
    ref.current.setSelectionRange(caret, caret);
  });

  const refreshToken = (element: TextElement) => {
    const next = tokenAtCaret(element.value, element.selectionStart ?? element.value.length);
    setToken((current) =>
      current?.start === next?.start && current?.end === next?.end && current?.prefix === next?.prefix ? current : next,
    );
    setActive(0);
  };

  const replaceText = (result: { text: string; caret: number }) => {
    pendingCaret.current = result.caret;
    onChange(result.text);
    setToken(tokenAtCaret(result.text, result.caret));
    setActive(0);
  };

  const accept = (path: string) => {
    if (!token) return;
    replaceText(acceptSuggestion(value, token, path));
  };

  const onKeyDown = (event: KeyboardEvent<TextElement>) => {
    if (!open) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((index) => (index + step + suggestions.length) % suggestions.length);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      const chosen = suggestions[active];
      if (!chosen) return;
      event.preventDefault();
      accept(chosen.path);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setToken(null);
    }
  };

  const onDragOver = (event: DragEvent<TextElement>) => {
    if (disabled || !event.dataTransfer.types.includes(FIELD_PATH_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  };

  const onDrop = (event: DragEvent<TextElement>) => {
    const path = event.dataTransfer.getData(FIELD_PATH_MIME);
    if (disabled || !path) return;
    event.preventDefault();
    const element = event.currentTarget;
    const caret = caretFromPoint(element, event.clientX, event.clientY) ?? element.selectionStart ?? value.length;
    element.focus();
    replaceText(insertFieldAt(value, caret, path));
  };

  const common = {
    id: props.id ?? testId,
    'data-testid': testId,
    className: props.className ?? 'input mono',
    value,
    disabled,
    placeholder: props.placeholder,
    spellCheck: false,
    autoComplete: 'off',
    role: 'combobox',
    'aria-expanded': open,
    'aria-autocomplete': 'list' as const,
    onKeyDown,
    onKeyUp: (event: KeyboardEvent<TextElement>) => {
      if (!['ArrowDown', 'ArrowUp', 'Enter', 'Tab', 'Escape'].includes(event.key) || !open) {
        refreshToken(event.currentTarget);
      }
    },
    onClick: (event: { currentTarget: TextElement }) => refreshToken(event.currentTarget),
    onFocus: () => setFocused(true),
    onBlur: () => {
      setFocused(false);
      props.onBlur?.();
    },
    onDragOver,
    onDrop,
  };

  return (
    <div className="expression-input">
      {multiline ? (
        <textarea
          {...common}
          ref={(element) => {
            ref.current = element;
          }}
          rows={props.rows ?? 4}
          onChange={(event) => {
            onChange(event.target.value);
            refreshToken(event.target);
          }}
        />
      ) : (
        <input
          {...common}
          ref={(element) => {
            ref.current = element;
          }}
          type="text"
          onChange={(event) => {
            onChange(event.target.value);
            refreshToken(event.target);
          }}
        />
      )}
      {open && (
        <div className="expression-suggestions" data-testid="expression-suggestions" role="listbox">
          {suggestions.map((entry, index) => (
            <div
              key={entry.path}
              role="option"
              tabIndex={-1}
              aria-selected={index === active}
              className={index === active ? 'active' : ''}
              data-testid={`suggestion-${entry.path}`}
              // mousedown, not click: the input must keep focus (its blur would close the list first)
              onMouseDown={(event) => {
                event.preventDefault();
                accept(entry.path);
              }}
            >
              <span className="mono">{entry.path}</span>
              {entry.type && <span className="muted small">{entry.type}</span>}
            </div>
          ))}
        </div>
      )}
      {mapping && value.includes('{{') && (
        <ExpressionPreview
          testId={`expression-preview-${testId.replace(/^field-/, '')}`}
          text={value}
          context={mapping.context}
          preview={props.preview ?? previewTemplate}
        />
      )}
    </div>
  );
}

function ExpressionPreview(props: {
  testId: string;
  text: string;
  context: Record<string, unknown>;
  preview(text: string, context: Record<string, unknown>): Promise<PreviewResult>;
}) {
  const { text, context, preview } = props;
  const [result, setResult] = useState<PreviewResult | null>(null);
  useEffect(() => {
    let current = true;
    void preview(text, context).then((next) => {
      if (current) setResult(next);
    });
    return () => {
      current = false;
    };
  }, [text, context, preview]);
  if (!result) return null;
  return (
    <div
      className={`expression-preview ${result.ok ? '' : 'error'}`}
      data-testid={props.testId}
      data-ok={result.ok ? 'true' : 'false'}
    >
      {result.ok ? <code>= {result.text}</code> : <span>⚠ {result.error}</span>}
    </div>
  );
}

/** The caret offset under the pointer inside a text control, where the browser can tell (Chromium ≥ 128). */
function caretFromPoint(element: TextElement, x: number, y: number): number | null {
  const position = document.caretPositionFromPoint?.(x, y);
  return position && position.offsetNode === element ? position.offset : null;
}
