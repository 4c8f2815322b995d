import { escapeXml, renderLineChart, thinSeries } from './svg-chart';

const from = new Date('2026-11-01T00:00:00Z');
const to = new Date('2026-11-02T00:00:00Z');
const at = (hours: number) => new Date(from.getTime() + hours * 3_600_000);

describe('renderLineChart', () => {
  const svg = renderLineChart({
    id: 'budget',
    title: 'Error budget <remaining>',
    description: 'Budget fell from 100% to 40% & recovered',
    from,
    to,
    yMin: 0,
    yMax: 1,
    formatValue: (value) => `${Math.round(value * 100)}%`,
    series: [
      {
        name: 'budget "remaining"',
        className: 'series-budget',
        points: [
          { at: at(0), value: 1 },
          { at: at(6), value: 0.8 },
          { at: at(12), value: null },
          { at: at(18), value: 0.4 },
          { at: at(24), value: 0.5 },
        ],
      },
    ],
    thresholds: [{ value: 0, label: 'exhausted' }],
    markers: [
      { at: at(6), label: 'INC-7 <script>', href: '/dashboard/incidents/7?a=1&b=2' },
      { at: new Date('2026-12-01T00:00:00Z'), label: 'outside' },
    ],
  });

  it('is an accessible image with escaped title and description', () => {
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="budget-title budget-desc"/);
    expect(svg).toContain('<title id="budget-title">Error budget &lt;remaining&gt;</title>');
    expect(svg).toContain('<desc id="budget-desc">Budget fell from 100% to 40% &amp; recovered</desc>');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('INC-7 &lt;script&gt;');
    expect(svg).toContain('href="/dashboard/incidents/7?a=1&amp;b=2"');
  });

  it('breaks the line at missing data instead of drawing zero', () => {
    const path = /<path class="line series-budget" d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(path.match(/M/g)).toHaveLength(2);
    expect(path.match(/L/g)).toHaveLength(2);
  });

  it('maps values onto the plot area (100% at the top, 0% at the bottom)', () => {
    const path = /<path class="line series-budget" d="([^"]+)"/.exec(svg)?.[1] ?? '';
    const [first] = path.slice(1).split(/[ML]/);
    expect(first).toBe('56.0,12.0');
    expect(svg).toContain('>0%</text>');
    expect(svg).toContain('>100%</text>');
  });

  it('drops markers outside the time range', () => {
    expect(svg).not.toContain('outside');
  });
});

describe('thinSeries', () => {
  it.each([
    [10, 20, 10],
    [1000, 100, 100],
  ])('keeps at most the limit (%i points, limit %i → %i)', (count, limit, expected) => {
    const points = Array.from({ length: count }, (_, index) => ({ at: at(index), value: index }));
    const thinned = thinSeries(points, limit);
    expect(thinned).toHaveLength(expected);
    expect(thinned[0]).toBe(points[0]);
    expect(thinned.at(-1)).toBe(points.at(-1));
  });
});

describe('escapeXml', () => {
  it('escapes all five XML specials', () => {
    expect(escapeXml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
