/**
 * How code running in the snapshot worker logs: lines are posted to the
 * serving thread, which writes them with the app's logger (one log stream,
 * one format, one level setting).
 */
export interface WorkerLog {
  debug(message: string): void;
  log(message: string): void;
  warn(message: string, error?: unknown): void;
}
