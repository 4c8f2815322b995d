import { isOverdue, parseDueDate, validateFollowUpFields } from './follow-up-rules';

describe('validateFollowUpFields', () => {
  it('accepts a full follow-up, an owner given as a Slack mention, and defaults the priority', () => {
    expect(
      validateFollowUpFields(
        { title: ' Add canaries ', owner: '<@U0ALICE|alice>', dueDate: '2026-12-31', priority: 'P0', url: 'https://tracker.example/T-1' },
        { partial: false },
      ),
    ).toEqual({
      title: 'Add canaries',
      owner: 'U0ALICE',
      dueDate: '2026-12-31',
      priority: 'P0',
      url: 'https://tracker.example/T-1',
    });
    expect(validateFollowUpFields({ title: 'x', owner: 'Zoë O’Brien-Smith' }, { partial: false })).toEqual({
      title: 'x',
      owner: 'Zoë O’Brien-Smith',
      priority: 'P2',
    });
  });

  it.each([
    ['no title', {}, 'title'],
    ['a blank title', { title: '  ' }, 'title'],
    ['a due date that is not a date', { title: 'x', dueDate: 'next week' }, 'dueDate'],
    ['a day that does not exist', { title: 'x', dueDate: '2026-02-30' }, 'dueDate'],
    ['a priority outside P0-P3', { title: 'x', priority: 'P4' }, 'priority'],
    ['an owner that is a channel mention', { title: 'x', owner: '<!channel>' }, 'owner'],
    ['an owner that is a link', { title: 'x', owner: 'https://evil.example' }, 'owner'],
    ['an owner that is a number', { title: 'x', owner: 42 }, 'owner'],
    ['a url that is not http(s)', { title: 'x', url: 'javascript:alert(1)' }, 'url'],
    ['an unknown status', { title: 'x', status: 'closed' }, 'status'],
  ])('rejects %s, naming the field', (_what, input, field) => {
    expect(() => validateFollowUpFields(input, { partial: false })).toThrow(expect.objectContaining({ field }));
  });

  it('a change needs no title', () => {
    expect(validateFollowUpFields({ status: 'done' }, { partial: true })).toEqual({ status: 'done' });
  });

  it('takes the UTC day of a timestamp and knows overdue', () => {
    expect(parseDueDate('2026-12-31T23:30:00-02:00')).toBe('2027-01-01');
    const now = new Date('2026-12-02T08:00:00Z');
    expect(isOverdue({ status: 'open', dueDate: '2026-12-01' }, now)).toBe(true);
    expect(isOverdue({ status: 'open', dueDate: '2026-12-02' }, now)).toBe(false);
    expect(isOverdue({ status: 'done', dueDate: '2026-11-01' }, now)).toBe(false);
    expect(isOverdue({ status: 'open', dueDate: null }, now)).toBe(false);
  });
});
