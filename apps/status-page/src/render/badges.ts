import { makeBadge } from 'badge-maker';
import type { ComponentStatus } from '@app/incidents/core';
import type { PublicStatus } from '@app/status/core';
import { BoundedMemo } from './bounded-memo';
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
  return rendered.get(`${item.status}\u0000${item.name}`, () =>
    makeBadge({ label: item.name, message: statusLabel(item.status).toLowerCase(), color: BADGE_COLORS[item.status], style: 'flat' }),
  );
}

const rendered = new BoundedMemo<string>(2000);

export function unknownBadge(): string {
  return makeBadge({ label: 'status', message: 'unknown component', color: '#6e7781', style: 'flat' });
}
