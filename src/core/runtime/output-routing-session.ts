/**
 * onnxruntime runs every node of a graph on every run, whatever outputs are fetched. The playground's
 * own reads of the main session (attention probabilities, the hidden state for sentence embeddings)
 * never need the MLM head or the classifier, and on a small-vocabulary BERT the MLM head costs about
 * as much as the whole encoder. So the main session is built from the graph pruned to those outputs,
 * and a run that fetches anything else (the model's own logits, or every output) goes to a full
 * session created the first time it is needed. Callers see one session with the full model's outputs.
 */
import type * as ort from 'onnxruntime-web';
import type { OnnxModel } from '../onnx';
import { pruneToOutputs } from '../onnx/prune';

/**
 * The model with only the nodes and initializers that `outputs` depend on, and only those graph
 * outputs (every input stays, since the same feeds go to either session); null when that would drop
 * nothing or when an output is not a graph output.
 */
export function leanModelFor(model: OnnxModel, outputs: readonly string[]): OnnxModel | null {
  const declared = new Set(model.graph.output.map((output) => output.name));
  if (outputs.length === 0 || outputs.some((name) => !declared.has(name))) return null;
  const { model: lean, summary } = pruneToOutputs(model, outputs, { keepAllInputs: true });
  return summary.removedNodes.length === 0 && summary.droppedOutputs.length === 0 ? null : lean;
}

type Feeds = ort.InferenceSession.FeedsType;
type RunOptions = ort.InferenceSession.RunOptions;

/** One session to its callers: runs on the pruned session when it has every fetched output, else on the full one. */
export class OutputRoutingSession {
  private full: Promise<ort.InferenceSession> | null = null;
  private readonly leanOutputs: Set<string>;

  constructor(
    private readonly lean: ort.InferenceSession,
    private readonly createFull: () => Promise<ort.InferenceSession>,
    /** Output names of the full model, in its order. */
    readonly outputNames: readonly string[],
  ) {
    this.leanOutputs = new Set(lean.outputNames);
  }

  get inputNames(): readonly string[] {
    return this.lean.inputNames;
  }

  get inputMetadata() {
    return this.lean.inputMetadata;
  }

  /** Whether a run fetching these outputs (all outputs when undefined) runs on the pruned graph. */
  servesFromPrunedGraph(fetches: readonly string[] | undefined): boolean {
    return fetches !== undefined && fetches.length > 0 && fetches.every((name) => this.leanOutputs.has(name));
  }

  async run(
    feeds: Feeds,
    fetchesOrOptions?: readonly string[] | Record<string, unknown> | RunOptions,
    options?: RunOptions,
  ): Promise<ort.InferenceSession.ReturnType> {
    const names = Array.isArray(fetchesOrOptions)
      ? (fetchesOrOptions as string[])
      : fetchesOrOptions &&
          Object.keys(fetchesOrOptions).length > 0 &&
          Object.keys(fetchesOrOptions).every((key) => this.outputNames.includes(key))
        ? Object.keys(fetchesOrOptions)
        : undefined;
    const session = this.servesFromPrunedGraph(names) ? this.lean : await this.fullSession();
    return (session.run as (...args: unknown[]) => Promise<ort.InferenceSession.ReturnType>)(
      feeds,
      ...[fetchesOrOptions, options].filter((arg) => arg !== undefined),
    );
  }

  private fullSession(): Promise<ort.InferenceSession> {
    if (!this.full) {
      this.full = this.createFull();
      this.full.catch(() => (this.full = null));
    }
    return this.full;
  }

  async release(): Promise<void> {
    const full = this.full;
    this.full = null;
    await this.lean.release();
    if (full) await (await full).release();
  }

  /** Tells onnxruntime-web's profiler calls through to the pruned session. */
  startProfiling(): void {
    this.lean.startProfiling();
  }

  endProfiling(): void {
    this.lean.endProfiling();
  }

  /** This object in the type the rest of the code base expects. */
  asInferenceSession(): ort.InferenceSession {
    return this as unknown as ort.InferenceSession;
  }
}
