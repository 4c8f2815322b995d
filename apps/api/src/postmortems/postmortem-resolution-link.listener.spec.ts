import { postmortemResolutionLine } from './postmortem-resolution-link.listener';

describe('postmortemResolutionLine', () => {
  const link = 'https://ballast.example.com/dashboard/incidents/i-1';

  it('links the draft when a postmortem is required and none exists yet', () => {
    expect(postmortemResolutionLine({ link, required: true, status: null })).toBe(`:memo: A postmortem is required: <${link}|open it in Ballast>`);
  });

  it('links an existing postmortem even when none was required, by its status', () => {
    expect(postmortemResolutionLine({ link, required: false, status: 'draft' })).toBe(`:memo: Postmortem (draft): <${link}|open it in Ballast>`);
    expect(postmortemResolutionLine({ link, required: true, status: 'published' })).toBe(`:memo: Postmortem (published): <${link}|open it in Ballast>`);
  });

  it('adds nothing when no postmortem is required or exists, and no broken link without a public URL', () => {
    expect(postmortemResolutionLine({ link, required: false, status: null })).toBeNull();
    expect(postmortemResolutionLine({ link: '/dashboard/incidents/i-1', required: true, status: null })).toBe(
      ':memo: A postmortem is required: open /dashboard/incidents/i-1 in Ballast',
    );
  });
});
