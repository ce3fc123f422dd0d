// Log lines gathered into large writes. pino's own buffering (sonic-boom's minLength) measures the
// whole pending buffer with Buffer.byteLength on every line, so under load each line cost a scan of
// up to 16 KiB; here a line is one string append, and sonic-boom sees one write per batch.
import type { DestinationStream } from 'pino';

/** What the batches are written to: pino.destination() (sonic-boom) in production. */
export interface BatchSink {
  write(chunk: string): unknown;
}

export interface BatchedDestinationOptions {
  /** Characters gathered before a write. */
  readonly batchChars: number;
  /** The longest a line waits when traffic is light. */
  readonly flushIntervalMs: number;
}

export class BatchedDestination implements DestinationStream {
  #pending = '';
  readonly #sink: BatchSink;
  readonly #batchChars: number;

  constructor(sink: BatchSink, { batchChars, flushIntervalMs }: BatchedDestinationOptions) {
    this.#sink = sink;
    this.#batchChars = batchChars;
    setInterval(() => this.flush(), flushIntervalMs).unref();
    // process.exit() (close-with-grace, a fatal error) and the end of the event loop both emit
    // 'exit'; with a synchronous sink the last lines are on disk before the process is gone.
    process.once('exit', () => this.flush());
  }

  write(line: string): boolean {
    this.#pending += line;
    if (this.#pending.length >= this.#batchChars) this.flush();
    return true;
  }

  /** Writes what is pending (pino's logger.flush() calls this too). */
  flush(): void {
    if (this.#pending === '') return;
    const chunk = this.#pending;
    this.#pending = '';
    this.#sink.write(chunk);
  }
}
