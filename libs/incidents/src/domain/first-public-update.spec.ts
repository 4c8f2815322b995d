import { DEFAULT_FIRST_PUBLIC_UPDATE, firstPublicUpdateBody } from './first-public-update';

describe('firstPublicUpdateBody', () => {
  it('is the summary, trimmed', () => {
    expect(firstPublicUpdateBody('  Payments fail for some customers.\n')).toBe('Payments fail for some customers.');
  });

  it('says something even without a summary', () => {
    for (const summary of ['', '   \n', null, undefined]) expect(firstPublicUpdateBody(summary)).toBe(DEFAULT_FIRST_PUBLIC_UPDATE);
  });
});
