import type { ApiErrorBody, RunDetail, RunNodeView, RunStatusValue } from '@pipewright/api-contract';
import {
  applyCommand,
  DEFAULT_PINNED_DATA_LIMITS,
  type EdgeId,
  type FlowCommand,
  type FlowDocument,
  type NodeId,
  type NodeSize,
  type PinnedDataLimits,
  type PinnedDataProblem,
  type Position,
  pinProblem,
} from '@pipewright/flow';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { dropIntoLoops, resizeCommand, withBodies } from './loop-membership.ts';
import type { IterationPicks } from './run-iterations.ts';

/**
 * One store per open flow, in three slices (docs/architecture.md, web):
 * - document: the flow being edited; every change goes through `dispatch(command)` so undo/redo is two stacks of
 *   inverse commands;
 * - session: what the user is looking at (selection, panel, viewport, transient drag positions, measured sizes);
 * - run: live node statuses of the run being watched, written only by the run-subscription hook.
 * The store imports no API client: components call the API and report results through actions.
 */

export interface HistoryEntry {
  inverse: FlowCommand;
  /** Consecutive dispatches with the same key (typing in one field) collapse into one undo step. */
  coalesceKey: string | null;
}

export interface DocumentSlice {
  flowId: string;
  name: string;
  doc: FlowDocument;
  /** The server's draft revision this document is based on (sent with saves; stale → 409). */
  revision: number;
  dirty: boolean;
  undoStack: HistoryEntry[];
  redoStack: HistoryEntry[];
}

export type CompileErrorView = NonNullable<ApiErrorBody['error']['compileErrors']>[number];

export type PanelName = 'inspector' | 'run';

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export interface SessionSlice {
  selectedNodeIds: NodeId[];
  selectedEdgeIds: EdgeId[];
  panel: PanelName;
  viewport: Viewport | null;
  /** Positions of nodes being dragged: shown on the canvas, committed as one moveNodes command on drop. */
  dragPositions: Record<string, Position>;
  /** Sizes React Flow measured; a controlled flow must hand them back or nodes stay invisible. */
  measured: Record<string, { width: number; height: number }>;
  /** Sizes of Loop groups being resized: shown on the canvas, committed with the positions as one command. */
  resizeSizes: Record<string, NodeSize>;
  compileErrors: CompileErrorView[];
  readOnly: boolean;
  /**
   * How much sample data the server lets a draft pin (from the flow's detail): a pin over it is refused here, with
   * the reason, instead of by the next save.  The pins themselves are in the document (`doc.pinnedData`).
   */
  pinnedDataLimits: PinnedDataLimits;
}

export interface RunSlice {
  runId: string | null;
  status: RunStatusValue | null;
  nodes: Record<string, RunNodeView>;
  error: RunDetail['error'];
  /** The Loop iteration the run view shows, per Loop: its body nodes on the canvas and in the detail show it. */
  iterationPicks: IterationPicks;
}

export interface DispatchOptions {
  coalesceKey?: string;
}

export interface EditorActions {
  dispatch(command: FlowCommand, options?: DispatchOptions): void;
  undo(): void;
  redo(): void;
  /** Ends coalescing, so the next edit of the same field is its own undo step (called on blur). */
  sealHistory(): void;
  rename(name: string): void;
  loadDocument(input: { flowId: string; name: string; doc: FlowDocument; revision: number }): void;
  /** Records a successful save of `doc`/`name`; edits made while the request was in flight stay dirty. */
  markSaved(input: { revision: number; doc: FlowDocument; name: string }): void;
  select(selection: { nodeIds?: NodeId[]; edgeIds?: EdgeId[] }): void;
  deleteSelection(): void;
  dragNodes(moves: { nodeId: NodeId; position: Position }[]): void;
  /** Commits a drag: the moves, and Loop membership by where the nodes landed, as one undoable command. */
  dropNodes(moves: { nodeId: NodeId; position: Position }[]): void;
  /** A Loop group being resized (transient, like a drag). */
  resizeNodes(sizes: Record<string, NodeSize>): void;
  /** Ends a resize: the group's size and the positions moved meanwhile become one command. */
  commitResize(nodeId: NodeId, size: NodeSize): void;
  setMeasured(sizes: Record<string, { width: number; height: number }>): void;
  setViewport(viewport: Viewport): void;
  setPanel(panel: PanelName): void;
  setCompileErrors(errors: CompileErrorView[]): void;
  /** Drops the errors of a field the user just edited (they are stale until the next publish or run). */
  dismissCompileErrors(target: { nodeId: string; field: string }): void;
  watchRun(runId: string): void;
  setRunDetail(detail: RunDetail): void;
  clearRun(): void;
  /** Shows iteration `index` (the item index) of a Loop in the run view and on the canvas. */
  pickIteration(loopId: string, index: number): void;
  /**
   * Pins a node's sample output for autocomplete, previews and step tests (with `undefined`, unpins it): an undoable
   * edit saved with the draft.  Returns why the pin was refused (over a size limit, naming the node), or undefined.
   */
  pinSample(nodeId: string, output: unknown): PinnedDataProblem | undefined;
}

export interface EditorState {
  document: DocumentSlice;
  session: SessionSlice;
  run: RunSlice;
  actions: EditorActions;
}

export type EditorStore = StoreApi<EditorState>;

export interface CreateEditorStoreInput {
  flowId: string;
  name: string;
  doc: FlowDocument;
  revision: number;
  readOnly?: boolean;
  /** The server's limits on pinned sample data (`FlowDetail.pinnedDataLimits`); default the shipped defaults. */
  pinnedDataLimits?: PinnedDataLimits | undefined;
}

const MAX_UNDO = 200;

const emptyRun = (): RunSlice => ({ runId: null, status: null, nodes: {}, error: null, iterationPicks: {} });

const initialSession = (readOnly: boolean, pinnedDataLimits: PinnedDataLimits): SessionSlice => ({
  selectedNodeIds: [],
  selectedEdgeIds: [],
  panel: 'inspector',
  viewport: null,
  dragPositions: {},
  measured: {},
  resizeSizes: {},
  compileErrors: [],
  readOnly,
  pinnedDataLimits,
});

export function createEditorStore(input: CreateEditorStoreInput): EditorStore {
  return createStore<EditorState>()((set, get) => {
    /** Applies a document change and drops selection/drag state that points at nodes or edges that are gone. */
    const commitDoc = (doc: FlowDocument, undoStack: HistoryEntry[], redoStack: HistoryEntry[]) => {
      const { document, session } = get();
      const nodeIds = new Set<string>(doc.nodes.map((node) => node.id));
      const edgeIds = new Set<string>(doc.edges.map((edge) => edge.id));
      set({
        document: { ...document, doc, dirty: true, undoStack, redoStack },
        session: {
          ...session,
          selectedNodeIds: session.selectedNodeIds.filter((id) => nodeIds.has(id)),
          selectedEdgeIds: session.selectedEdgeIds.filter((id) => edgeIds.has(id)),
        },
      });
    };

    const actions: EditorActions = {
      dispatch(command, options) {
        const { document } = get();
        const { doc, inverse } = applyCommand(document.doc, command);
        const key = options?.coalesceKey ?? null;
        const top = document.undoStack.at(-1);
        // Coalescing keeps the oldest inverse: undo returns to the state before the first keystroke.
        const undoStack =
          key !== null && top?.coalesceKey === key
            ? document.undoStack
            : [...document.undoStack, { inverse, coalesceKey: key }].slice(-MAX_UNDO);
        commitDoc(doc, undoStack, []);
      },
      undo() {
        const { document } = get();
        const entry = document.undoStack.at(-1);
        if (!entry) return;
        const { doc, inverse } = applyCommand(document.doc, entry.inverse);
        commitDoc(doc, document.undoStack.slice(0, -1), [...document.redoStack, { inverse, coalesceKey: null }]);
      },
      redo() {
        const { document } = get();
        const entry = document.redoStack.at(-1);
        if (!entry) return;
        const { doc, inverse } = applyCommand(document.doc, entry.inverse);
        commitDoc(doc, [...document.undoStack, { inverse, coalesceKey: null }], document.redoStack.slice(0, -1));
      },
      sealHistory() {
        const { document } = get();
        const top = document.undoStack.at(-1);
        if (!top || top.coalesceKey === null) return;
        set({
          document: { ...document, undoStack: [...document.undoStack.slice(0, -1), { ...top, coalesceKey: null }] },
        });
      },
      rename(name) {
        set({ document: { ...get().document, name, dirty: true } });
      },
      loadDocument({ flowId, name, doc, revision }) {
        set({
          document: { flowId, name, doc, revision, dirty: false, undoStack: [], redoStack: [] },
          session: initialSession(get().session.readOnly, get().session.pinnedDataLimits),
        });
      },
      markSaved({ revision, doc, name }) {
        const { document } = get();
        set({ document: { ...document, revision, dirty: document.doc !== doc || document.name !== name } });
      },
      select({ nodeIds, edgeIds }) {
        const { session } = get();
        set({
          session: {
            ...session,
            ...(nodeIds ? { selectedNodeIds: nodeIds } : {}),
            ...(edgeIds ? { selectedEdgeIds: edgeIds } : {}),
          },
        });
      },
      deleteSelection() {
        const { session, document } = get();
        if (session.readOnly) return;
        // A Loop goes with the steps inside it (as a group box does), in one undo step.
        const nodeIds = withBodies(document.doc.nodes, session.selectedNodeIds);
        const edgeIds = document.doc.edges
          .filter((edge) => session.selectedEdgeIds.includes(edge.id))
          .filter((edge) => !nodeIds.has(edge.source) && !nodeIds.has(edge.target))
          .map((edge) => edge.id);
        const commands: FlowCommand[] = [];
        if (edgeIds.length) commands.push({ kind: 'removeEdges', edgeIds });
        if (nodeIds.size) commands.push({ kind: 'removeNodes', nodeIds: [...nodeIds] });
        if (commands.length === 0) return;
        actions.dispatch(commands.length === 1 && commands[0] ? commands[0] : { kind: 'batch', commands });
      },
      dragNodes(moves) {
        const { session } = get();
        const dragPositions = { ...session.dragPositions };
        for (const move of moves) dragPositions[move.nodeId] = move.position;
        set({ session: { ...session, dragPositions } });
      },
      dropNodes(moves) {
        const { session, document } = get();
        const dragPositions = { ...session.dragPositions };
        for (const move of moves) delete dragPositions[move.nodeId];
        set({ session: { ...session, dragPositions } });
        const regrouped = dropIntoLoops(document.doc, moves, session.measured);
        const byId = new Map(document.doc.nodes.map((node) => [node.id as string, node.position]));
        const changed = regrouped.moves.filter((move) => {
          const before = byId.get(move.nodeId);
          return before !== undefined && (before.x !== move.position.x || before.y !== move.position.y);
        });
        const commands: FlowCommand[] = [...regrouped.reparent];
        if (changed.length) commands.push({ kind: 'moveNodes', moves: changed });
        if (commands.length === 1 && commands[0]) actions.dispatch(commands[0]);
        else if (commands.length > 1) actions.dispatch({ kind: 'batch', commands });
      },
      resizeNodes(sizes) {
        const { session } = get();
        set({ session: { ...session, resizeSizes: { ...session.resizeSizes, ...sizes } } });
      },
      commitResize(nodeId, size) {
        const { session, document } = get();
        const command = resizeCommand(document.doc, { nodeId, size, positions: session.dragPositions });
        const dragPositions = { ...session.dragPositions };
        for (const node of document.doc.nodes) {
          if (node.id === nodeId || node.parentId === nodeId) delete dragPositions[node.id];
        }
        const resizeSizes = { ...session.resizeSizes };
        delete resizeSizes[nodeId];
        set({ session: { ...session, dragPositions, resizeSizes } });
        if (command && !session.readOnly) actions.dispatch(command);
      },
      setMeasured(sizes) {
        const { session } = get();
        set({ session: { ...session, measured: { ...session.measured, ...sizes } } });
      },
      setViewport(viewport) {
        set({ session: { ...get().session, viewport } });
      },
      setPanel(panel) {
        set({ session: { ...get().session, panel } });
      },
      setCompileErrors(compileErrors) {
        set({ session: { ...get().session, compileErrors } });
      },
      dismissCompileErrors({ nodeId, field }) {
        const { session } = get();
        const isTarget = (error: CompileErrorView) =>
          error.nodeId === nodeId && (error.field === field || error.field?.startsWith(`${field}.`) === true);
        if (!session.compileErrors.some(isTarget)) return;
        set({ session: { ...session, compileErrors: session.compileErrors.filter((error) => !isTarget(error)) } });
      },
      watchRun(runId) {
        set({ run: { ...emptyRun(), runId, status: 'running' }, session: { ...get().session, panel: 'run' } });
      },
      setRunDetail(detail) {
        if (get().run.runId !== detail.id) return;
        const { iterationPicks } = get().run;
        set({
          run: { runId: detail.id, status: detail.status, nodes: detail.nodes, error: detail.error, iterationPicks },
        });
      },
      pinSample(nodeId, output) {
        const { session, document } = get();
        const node = document.doc.nodes.find((candidate) => candidate.id === nodeId);
        if (session.readOnly || !node) return undefined;
        if (output === undefined) {
          if (document.doc.pinnedData === undefined || !Object.hasOwn(document.doc.pinnedData, nodeId))
            return undefined;
          actions.dispatch({ kind: 'unpinData', nodeId: node.id });
          return undefined;
        }
        const problem = pinProblem({ doc: document.doc, nodeId, data: output, limits: session.pinnedDataLimits });
        if (problem) return problem;
        actions.dispatch({ kind: 'pinData', nodeId: node.id, data: output });
        return undefined;
      },
      clearRun() {
        set({ run: emptyRun(), session: { ...get().session, panel: 'inspector' } });
      },
      pickIteration(loopId, index) {
        const { run } = get();
        set({ run: { ...run, iterationPicks: { ...run.iterationPicks, [loopId]: index } } });
      },
    };

    return {
      document: {
        flowId: input.flowId,
        name: input.name,
        doc: input.doc,
        revision: input.revision,
        dirty: false,
        undoStack: [],
        redoStack: [],
      },
      session: initialSession(input.readOnly ?? false, input.pinnedDataLimits ?? DEFAULT_PINNED_DATA_LIMITS),
      run: emptyRun(),
      actions,
    };
  });
}
