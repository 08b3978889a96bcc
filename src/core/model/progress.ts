/**
 * Download progress events, shaped like Transformers.js's so a UI written for one reads the other:
 * initiate → progress* → done (or cached when the bytes came from Cache Storage).
 */
export type ProgressStatus = 'initiate' | 'progress' | 'done' | 'cached';

export interface ProgressEvent {
  status: ProgressStatus;
  /** File path inside the model folder, e.g. "onnx/model.onnx". */
  file: string;
  loaded: number;
  /** Total bytes when the server said (Content-Length), else null. */
  total: number | null;
}

export type ProgressCallback = (event: ProgressEvent) => void;

/** Sums per-file events into one overall fraction for a single progress bar. */
export class ProgressAggregator {
  private readonly files = new Map<string, { loaded: number; total: number | null; finished: boolean }>();

  constructor(
    private readonly listener: (overall: {
      loaded: number;
      total: number | null;
      fraction: number | null;
      file: string;
    }) => void,
  ) {}

  readonly handle = (event: ProgressEvent): void => {
    const previous = this.files.get(event.file);
    const finished = event.status === 'done' || event.status === 'cached';
    const total = event.total ?? previous?.total ?? null;
    this.files.set(event.file, { loaded: finished && total !== null ? total : event.loaded, total, finished });
    let loaded = 0;
    let sum = 0;
    let known = true;
    for (const file of this.files.values()) {
      loaded += file.loaded;
      if (file.total === null) {
        if (!file.finished) known = false;
        sum += file.loaded;
      } else sum += file.total;
    }
    this.listener({
      loaded,
      total: known ? sum : null,
      fraction: known && sum > 0 ? loaded / sum : null,
      file: event.file,
    });
  };
}
