import { describe, expect, it } from 'vitest';
import { createTemplateRenderer } from '../runtime/template';
import { makeData } from '../runtime/flow-data';
import { hoursText, replyTimeText } from './hours-text';

const nineToFive: [string, string][] = [['09:00', '17:00']];

describe('hoursText', () => {
  it('groups days with the same hours, in week order', () => {
    expect(hoursText({ mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive })).toBe(
      'Monday to Friday, 9am–5pm',
    );
    expect(
      hoursText({ mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [['09:00', '13:00']] }),
    ).toBe('Monday to Friday, 9am–5pm; Saturday, 9am–1pm');
    expect(hoursText({ mon: nineToFive, wed: nineToFive, fri: nineToFive })).toBe('Monday, Wednesday and Friday, 9am–5pm');
    expect(hoursText({ sat: [['10:00', '16:00']], sun: [['10:00', '16:00']] })).toBe('Saturday and Sunday, 10am–4pm');
    const all = { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: nineToFive, sun: nineToFive };
    expect(hoursText(all)).toBe('every day, 9am–5pm');
  });

  it('writes split days, half hours, noon, overnight and whole days plainly', () => {
    expect(
      hoursText({
        tue: [
          ['13:00', '17:30'],
          ['08:30', '12:00'],
        ],
      }),
    ).toBe('Tuesday, 8:30am–12pm and 1pm–5:30pm');
    expect(hoursText({ fri: [['22:00', '02:00']] })).toBe('Friday, 10pm–2am');
    expect(hoursText({ sat: [['18:00', '00:00']] })).toBe('Saturday, 6pm–midnight');
    expect(hoursText({ sun: [['00:00', '23:59']] })).toBe('Sunday, all day');
  });

  it('is null when no day has hours, and skips values that are not times', () => {
    expect(hoursText({})).toBeNull();
    expect(hoursText({ mon: [], tue: [] })).toBeNull();
    expect(hoursText(undefined)).toBeNull();
    expect(hoursText({ mon: [['9', 'late']], tue: nineToFive })).toBe('Tuesday, 9am–5pm');
  });
});

describe('replyTimeText', () => {
  it('rounds up to the unit a customer reads', () => {
    expect(replyTimeText(1)).toBe('within a minute');
    expect(replyTimeText(30)).toBe('within 30 minutes');
    expect(replyTimeText(60)).toBe('within an hour');
    expect(replyTimeText(90)).toBe('within 2 hours');
    expect(replyTimeText(24 * 60)).toBe('within 24 hours');
    expect(replyTimeText(3 * 24 * 60)).toBe('within 3 days');
  });

  it('is null when unset', () => {
    expect(replyTimeText(undefined)).toBeNull();
    expect(replyTimeText(0)).toBeNull();
    expect(replyTimeText('30')).toBeNull();
  });
});

describe('templates read Settings in words', () => {
  const render = createTemplateRenderer();

  it('fills workspace.hours_text and workspace.reply_time_text from the workspace', async () => {
    const data = makeData({ workspace: { businessHours: { sat: [['09:00', '13:00']] }, settings: { expectedReplyMinutes: 45 } } });
    const text = await render.render('Open {{ workspace.hours_text }}, replies {{ workspace.reply_time_text }}.', data);
    expect(text).toBe('Open Saturday, 9am–1pm, replies within 45 minutes.');
  });

  it('leaves them empty (so `if` and `default` work) when Settings have none', async () => {
    const data = makeData({ workspace: { businessHours: {}, settings: {} } });
    const text = await render.render(
      "{{ workspace.hours_text | default: 'by appointment' }}{% if workspace.reply_time_text %} soon{% endif %}",
      data,
    );
    expect(text).toBe('by appointment');
  });
});
