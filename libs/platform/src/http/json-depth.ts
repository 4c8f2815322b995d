/** Deepest nesting Ballast accepts in a request body; real payloads (Alertmanager, Slack, OpenSLO as JSON) stay far below. */
export const MAX_JSON_DEPTH = 32;

/** Nesting depth of a parsed JSON value, computed without recursion (a hostile body must not blow the stack here either). */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Object.values(current)) stack.push([child, level]);
  }
  return deepest;
}
