import { javascript } from '@codemirror/lang-javascript';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import type { Extension } from '@codemirror/state';
import { useEffect, useMemo, useRef, useState } from 'react';
import { type PreviewResult, previewTemplate } from '../data-mapping/data-mapping.ts';
import { type DataMapping, useDataMappingContext } from '../data-mapping/useDataMapping.ts';
import { CodeEditor } from './code-editor/CodeEditor.tsx';
import { fieldPathDrop, pathCompletion } from './code-editor/expression-completion.ts';
import { expressionHighlight } from './code-editor/expression-highlight.ts';
import { fieldDiagnostics } from './code-editor/field-diagnostics.ts';
import type { CodeLanguage } from './field-annotations.ts';

interface ExpressionInputProps {
  /** `field-<name>`, on the editable element; the preview is `expression-preview-<name>`. */
  testId: string;
  /** The field's accessible name (its label; a row cell's column and row). */
  ariaLabel?: string;
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
  /** The check's messages about this field, marked on its text. */
  problems?: readonly string[];
  /** Source code in this language instead of `{{ }}` text: highlighted as such, no suggestions or preview. */
  language?: CodeLanguage;
}

const NO_PROBLEMS: readonly string[] = [];

const LANGUAGES: Record<CodeLanguage, () => Extension> = {
  javascript: () => [javascript(), syntaxHighlighting(defaultHighlightStyle, { fallback: true })],
};

/**
 * A CodeMirror input that understands `{{ … }}`: highlights expressions, suggests upstream paths while typing inside
 * one (arrows, Enter/Tab, Escape), accepts fields dragged from an output tree at the drop point, previews the value
 * against sample data, and marks the check's problems on the text.  Without a data-mapping context (outside the
 * inspector) it offers no suggestions or preview.  With a `language` it is a code editor for that language.
 */
export function ExpressionInput(props: ExpressionInputProps) {
  const { testId, value, onChange, multiline = false, disabled = false, language } = props;
  const problems = props.problems ?? NO_PROBLEMS;
  const mapping = useDataMappingContext();
  // Read when a suggestion list opens, so new sample data never rebuilds the editor's configuration.
  const mappingRef = useRef<DataMapping | null>(mapping);
  mappingRef.current = mapping;

  const extensions = useMemo<Extension>(
    () =>
      language
        ? LANGUAGES[language]()
        : [
            expressionHighlight,
            pathCompletion({ suggestions: () => mappingRef.current?.suggestions ?? [] }),
            fieldPathDrop,
          ],
    [language],
  );
  const problemsKey = problems.join('\n');
  // biome-ignore lint/correctness/useExhaustiveDependencies: `problemsKey` stands for `problems` (callers may pass a new array per render)
  const diagnostics = useMemo(
    () => fieldDiagnostics({ text: value, messages: problems, checkExpressions: !language }),
    [value, problemsKey, language],
  );

  return (
    <div className="expression-input">
      <CodeEditor
        testId={testId}
        id={props.id ?? testId}
        {...(props.ariaLabel ? { ariaLabel: props.ariaLabel } : {})}
        className={props.className ?? 'input mono'}
        value={value}
        onChange={onChange}
        {...(props.onBlur ? { onBlur: props.onBlur } : {})}
        singleLine={!multiline}
        rows={props.rows ?? 4}
        disabled={disabled}
        {...(props.placeholder === undefined ? {} : { placeholder: props.placeholder })}
        extensions={extensions}
        diagnostics={diagnostics}
      />
      {mapping && !language && value.includes('{{') && (
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
