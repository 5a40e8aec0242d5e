import { type Extension, RangeSetBuilder } from '@codemirror/state';
import { Decoration, type DecorationSet, type EditorView, ViewPlugin, type ViewUpdate } from '@codemirror/view';
import { expressionRegions, type TemplateTokenKind, tokenizeTemplate } from './template-tokens.ts';

/**
 * Highlights `{{ … }}` regions and the JSONata inside them with mark decorations.  A view plugin rather than a
 * language: the regions sit inside text of any kind (a URL, JSON, SQL), so they are an overlay, not the document's
 * grammar, and the tokenizer stays a pure function tested in Node.  Field texts are short: the whole text is
 * re-tokenized on each change.
 */
const region = Decoration.mark({ class: 'cm-expression' });
const marks = new Map<TemplateTokenKind, Decoration>();
const markOf = (kind: TemplateTokenKind): Decoration => {
  let mark = marks.get(kind);
  if (!mark) {
    mark = Decoration.mark({ class: `cm-expression-${kind}` });
    marks.set(kind, mark);
  }
  return mark;
};

function decorate(view: EditorView): DecorationSet {
  const text = view.state.doc.toString();
  const builder = new RangeSetBuilder<Decoration>();
  const tokens = tokenizeTemplate(text);
  let next = 0;
  // Regions and tokens in document order; a region's mark starts where its opening brace does.
  for (const { from, to } of expressionRegions(text)) {
    if (to > from) builder.add(from, to, region);
    while (next < tokens.length && (tokens[next]?.from ?? Number.POSITIVE_INFINITY) < to) {
      const token = tokens[next];
      if (token && token.to > token.from) builder.add(token.from, token.to, markOf(token.kind));
      next += 1;
    }
  }
  return builder.finish();
}

export const expressionHighlight: Extension = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = decorate(view);
    }
    update(update: ViewUpdate) {
      if (update.docChanged) this.decorations = decorate(update.view);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);
