import type { FieldUiHint } from '@pipewright/step-sdk';
import { createContext, useContext, useMemo } from 'react';
import { type FieldProblem, messagesForField } from './code-editor/field-diagnostics.ts';

/** Languages a `code` field can declare (`ui.<field>.language`); a code field without one edits `{{ }}` text. */
export type CodeLanguage = NonNullable<FieldUiHint['language']>;

/**
 * What the form around the fields knows beyond each field's descriptor: the node's located problems from the last
 * check, and the fields whose UI hint names a language.  A context, so any input at any depth (a generated form's
 * widget included) reads its own without the form passing it down, and without fields/ importing the editor.
 */
export interface FieldAnnotations {
  problems: readonly FieldProblem[];
  languages: Readonly<Record<string, CodeLanguage>>;
}

const NONE: FieldAnnotations = { problems: [], languages: {} };

export const FieldAnnotationsContext = createContext<FieldAnnotations>(NONE);

/** The languages named by a step's UI hints, per field. */
export function codeLanguages(ui: Readonly<Record<string, FieldUiHint>>): Record<string, CodeLanguage> {
  const languages: Record<string, CodeLanguage> = {};
  for (const [name, hint] of Object.entries(ui)) if (hint.language) languages[name] = hint.language;
  return languages;
}

/** The check's messages about field `name` (and anything inside it); a stable array while they are unchanged. */
export function useFieldProblems(name: string): string[] {
  const { problems } = useContext(FieldAnnotationsContext);
  return useMemo(() => messagesForField(problems, name), [problems, name]);
}

export const useFieldLanguage = (name: string): CodeLanguage | undefined =>
  useContext(FieldAnnotationsContext).languages[name];
