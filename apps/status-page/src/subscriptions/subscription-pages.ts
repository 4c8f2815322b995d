import { escapeHtml } from '@app/status';

export interface PageFrame {
  readonly pageName: string;
}

function frame(page: PageFrame, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · ${escapeHtml(page.pageName)} status</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;line-height:1.5;color:#172b4d;background:#fafbfc}
@media (prefers-color-scheme:dark){body{color:#e6e9ef;background:#161a1f}fieldset,.card{border-color:#3b4350!important;background:#1e232a!important}}
.wrap{max-width:40rem;margin:0 auto;padding:1.5rem}
.card{background:#fff;border:1px solid #dfe1e6;border-radius:6px;padding:1.5rem}
h1{font-size:1.4rem;margin:0 0 .75rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=email]{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #8993a4;border-radius:4px}
fieldset{border:1px solid #dfe1e6;border-radius:4px;margin:1rem 0;padding:.5rem 1rem}
fieldset label{font-weight:400;margin:.25rem 0}
button{margin-top:1rem;padding:.55rem 1.1rem;font-size:1rem;border:0;border-radius:4px;background:#0052cc;color:#fff;cursor:pointer}
.hint{color:#5e6c84;font-size:.9rem}
.error{color:#bf2600;font-weight:600}
</style>
</head>
<body>
<main class="wrap">
<p><a href="/">← ${escapeHtml(page.pageName)} status</a></p>
<div class="card">
${body}
</div>
</main>
</body>
</html>`;
}

/** The subscribe form: an address and, optionally, the components to hear about. Works without JavaScript. */
export function subscribeFormPage(
  page: PageFrame,
  components: ReadonlyArray<{ id: string; name: string }>,
  problem?: { field?: string; message: string },
): string {
  const boxes = components
    .map((component) => `<label><input type="checkbox" name="components" value="${escapeHtml(component.id)}"> ${escapeHtml(component.name)}</label>`)
    .join('\n');
  return frame(
    page,
    'Subscribe to updates',
    `<h1>Get ${escapeHtml(page.pageName)} status updates by e-mail</h1>
<p class="hint">We e-mail you when an incident is opened, updated or resolved, and when maintenance is scheduled, starts or ends. You confirm the address first; every mail has a one-click unsubscribe link.</p>
${problem ? `<p class="error" role="alert">${escapeHtml(problem.message)}</p>` : ''}
<form method="post" action="/subscribe">
<label for="subscribe-email">E-mail address</label>
<input id="subscribe-email" type="email" name="email" required autocomplete="email" maxlength="254"${problem?.field === 'email' ? ' aria-invalid="true"' : ''}>
${components.length > 0 ? `<fieldset><legend>Components (none ticked: all of them)</legend>\n${boxes}\n</fieldset>` : ''}
<button type="submit">Subscribe</button>
</form>`,
  );
}

export function messagePage(page: PageFrame, title: string, text: string, extra = ''): string {
  return frame(page, title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(text)}</p>${extra}`);
}

/** The unsubscribe link's landing page: one button (a GET alone never unsubscribes, so mail scanners opening links do no harm). */
export function unsubscribeConfirmPage(page: PageFrame, token: string): string {
  return frame(
    page,
    'Unsubscribe',
    `<h1>Unsubscribe from ${escapeHtml(page.pageName)} status updates?</h1>
<form method="post" action="/subscriptions/unsubscribe?token=${encodeURIComponent(token)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>`,
  );
}
