/** Seconds as minutes, hours or days for people (dashboards, digests); null → `fallback`. */
export function formatDuration(seconds: number | null, fallback = '–'): string {
  if (seconds === null) return fallback;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}
