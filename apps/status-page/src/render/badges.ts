import { makeBadge } from 'badge-maker';
import type { ComponentStatus } from '@app/incidents';
import type { PublicStatus } from '@app/status';
import { statusLabel } from './format';

const BADGE_COLORS: Readonly<Record<ComponentStatus, string>> = {
  operational: '#1a7f37',
  degraded_performance: '#9a6700',
  partial_outage: '#bc4c00',
  major_outage: '#cf222e',
  under_maintenance: '#0969da',
};

/**
 * An SVG status badge for a component or group, e.g. "Checkout | partial
 * outage": the status is in the text, not only the colour. badge-maker
 * escapes the text for XML and adds a <title> and aria-label.
 */
export function componentBadge(model: PublicStatus, id: string): string | null {
  const item = model.components.find((component) => component.id === id) ?? model.groups.find((group) => group.id === id);
  if (!item) return null;
  // badge-maker measures every glyph: remember badges, which change only with a name or status.
  const key = `${item.status}\u0000${item.name}`;
  const cached = rendered.get(key);
  if (cached !== undefined) return cached;
  if (rendered.size >= MAX_REMEMBERED_BADGES) rendered.clear();
  const svg = makeBadge({ label: item.name, message: statusLabel(item.status).toLowerCase(), color: BADGE_COLORS[item.status], style: 'flat' });
  rendered.set(key, svg);
  return svg;
}

const MAX_REMEMBERED_BADGES = 2000;
const rendered = new Map<string, string>();

export function unknownBadge(): string {
  return makeBadge({ label: 'status', message: 'unknown component', color: '#6e7781', style: 'flat' });
}
