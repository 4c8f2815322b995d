// Renders the incident headline (with its buttons) and the page DM, built by
// the real Block Kit builders, as a small local HTML approximation of Slack,
// and screenshots them with headless Chromium (playwright-core).
// Run: node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/screens/render-slack-screens.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildIncidentHeadline } from '../../apps/api/src/slack/ui';
import { withHeadlineButtons } from '../../apps/api/src/slack/ui/slack-incident-modals';
import { buildPageMessage } from '../../apps/api/src/slack/ui/slack-page-messages';

type Block = { type: string; text?: { text: string }; fields?: Array<{ text: string }>; elements?: Array<{ type: string; text: string | { text: string }; style?: string }> };

const escapeHtml = (text: string) => text.replace(/&(?!lt;|gt;|amp;)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** A small subset of mrkdwn: *bold*, _italic_, mentions, channel links, emoji names. */
function mrkdwn(text: string): string {
  return escapeHtml(text)
    .replace(/&lt;@(U[A-Z0-9]+)&gt;/g, '<span class="mention">@$1</span>')
    .replace(/&lt;#(C[A-Z0-9]+)&gt;/g, '<span class="mention">#inc-42-checkout-errors</span>')
    .replace(/\*([^*\n]+)\*/g, '<b>$1</b>')
    .replace(/(^|\s)_([^_\n]+)_/g, '$1<i>$2</i>')
    // no emoji font in headless Chromium here: emoji codes are left out rather than drawn as empty boxes
    .replace(/:[a-z0-9_+-]+:\s?/g, '')
    .replace(/\n/g, '<br>');
}

function render(blocks: Block[]): string {
  return blocks
    .map((block) => {
      switch (block.type) {
        case 'header':
          return `<h3>${mrkdwn(block.text?.text ?? '')}</h3>`;
        case 'section':
          return `<div class="section">${block.text ? `<p>${mrkdwn(block.text.text)}</p>` : ''}${block.fields ? `<div class="fields">${block.fields.map((field) => `<div>${mrkdwn(field.text)}</div>`).join('')}</div>` : ''}</div>`;
        case 'context':
          return `<div class="context">${(block.elements ?? []).map((element) => mrkdwn(typeof element.text === 'string' ? element.text : element.text.text)).join(' ')}</div>`;
        case 'actions':
          return `<div class="actions">${(block.elements ?? []).map((element) => `<button class="${element.style ?? ''}">${escapeHtml(typeof element.text === 'string' ? element.text : element.text.text)}</button>`).join('')}</div>`;
        default:
          return '';
      }
    })
    .join('');
}

function page(title: string, channel: string, blocks: Block[]): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><style>
  body{font-family:Lato,Helvetica,Arial,sans-serif;background:#fff;margin:0;padding:24px;width:760px;color:#1d1c1d}
  .channel{font-weight:900;border-bottom:1px solid #ddd;padding-bottom:8px;margin-bottom:12px}
  .msg{display:flex;gap:10px}.avatar{width:36px;height:36px;border-radius:6px;background:#4a154b;color:#fff;display:flex;align-items:center;justify-content:center;font-weight:900}
  .who b{margin-right:6px}.who span{color:#616061;font-size:12px}.app{background:#ddd;font-size:10px;padding:1px 3px;border-radius:2px;margin-right:6px}
  h3{margin:6px 0}.section p{margin:6px 0;line-height:1.4}.fields{display:grid;grid-template-columns:1fr 1fr;gap:6px 24px;margin:6px 0}
  .context{color:#616061;font-size:12px;margin:6px 0}.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}
  .actions{display:flex;gap:8px;margin-top:8px}button{font:inherit;font-weight:700;font-size:13px;padding:4px 12px;border-radius:4px;border:1px solid #bbb;background:#fff}
  button.primary{background:#007a5a;color:#fff;border-color:#007a5a}button.danger{background:#e01e5a;color:#fff;border-color:#e01e5a}
  </style></head><body><div class="channel">${channel}</div><div class="msg"><div class="avatar">B</div><div><div class="who"><b>Ballast</b><span class="app">APP</span><span>10:42</span></div>${render(blocks)}</div></div></body></html>`;
}

async function main(): Promise<void> {
  const incidentId = '3f0c2a5e-7d1b-4c9e-9a63-2b8f4d1e6a70';
  const headline = withHeadlineButtons(
    buildIncidentHeadline({
      number: 42,
      title: 'Checkout errors in EU',
      severity: 'SEV1',
      status: 'investigating',
      visibility: 'public',
      commander: { slackUserId: 'U01ALICE' },
      team: 'Payments',
      type: 'Deploy',
      channelId: 'C0INC42',
      summary: 'SLO checkout-availability burns its budget at 31.4x (page tier 1h/5m).',
      source: 'slo',
    }),
    { id: incidentId, status: 'investigating' },
  );
  const dm = buildPageMessage(
    { incidentId, number: 42, title: 'Checkout errors in EU', severity: 'SEV1', visibility: 'public', team: 'payments', summary: 'SLO checkout-availability burns its budget at 31.4x (page tier 1h/5m).', source: 'slo', channelId: 'C0INC42' },
    { stepIndex: 0, stepCount: 3, afterMinutes: 0 },
  );
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking'] });
  try {
    for (const [name, channel, blocks] of [
      ['slack-headline', '# inc-42-checkout-errors-in-eu', headline.blocks],
      ['slack-page-dm', 'Direct message · Ballast', dm.blocks],
    ] as const) {
      const html = page(name, channel, blocks as unknown as Block[]);
      writeFileSync(join(__dirname, `${name}.html`), html);
      writeFileSync(join(__dirname, `${name}.json`), `${JSON.stringify(blocks, null, 2)}\n`);
      const tab = await browser.newPage({ viewport: { width: 808, height: 200 } });
      await tab.setContent(html);
      await tab.screenshot({ path: join(__dirname, `${name}.png`), fullPage: true });
      await tab.close();
    }
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
