/**
 * Process-wide "we are shutting down" flag. While draining, every response
 * carries `Connection: close`, so keep-alive clients that keep sending do
 * not hold the server open forever: each in-flight request finishes, then its
 * connection closes, and new connections are refused by the closed listener.
 */
let draining = false;

export function startDraining(): void {
  draining = true;
}

export function isDraining(): boolean {
  return draining;
}
