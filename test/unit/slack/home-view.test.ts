import { describe, expect, it } from 'vitest';
import { HOME_QUEUE_SHOWN, buildHomeView, buildUnlinkedHomeView, sortOldestFirst } from '../../../channels/slack/blocks/home-view.js';
import { checkView } from '../../helpers/slack-fake.js';
import { NOW, card, hoursBefore, textOf } from './fixtures.js';

const officer = { officerId: 'OFF-SHARMA', name: 'Anita Sharma', officeCode: 'EIC-MUM' };

describe('App Home', () => {
  it('sorts oldest first by waitingSince, then submittedAt; undated last; ties by number', () => {
    const cards = [
      card({ applicationNumber: 'B', waitingSince: hoursBefore(1) }),
      card({ applicationNumber: 'D', waitingSince: undefined, submittedAt: undefined }),
      card({ applicationNumber: 'A', waitingSince: undefined, submittedAt: hoursBefore(10) }),
      card({ applicationNumber: 'C', waitingSince: hoursBefore(1) }),
    ];
    expect(sortOldestFirst(cards).map((c) => c.applicationNumber)).toEqual(['A', 'B', 'C', 'D']);
    expect(cards.map((c) => c.applicationNumber)).toEqual(['B', 'D', 'A', 'C']);
  });

  it('shows each file with its age and a Details button', () => {
    const view = buildHomeView({ officer, queue: [card({ waitingSince: hoursBefore(3) })], now: NOW });
    expect(checkView(view, 'home')).toEqual([]);
    expect(view.blocks[3]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: '*MUMCOOAPPLY00000101AM26* · Konkan Sea Foods &amp; Exports Pvt Ltd\nIndia Oman CEPA (Agency Issued) · OMR 4,812.50 (USD 12,500.00)\n:hourglass_flowing_sand: waiting 3 h',
      },
      accessory: { type: 'button', action_id: 'coo_details', text: { type: 'plain_text', text: 'Details' }, value: 'COOAPPLY00000101AM26' },
    });
  });

  it('says when the queue is empty', () => {
    const view = buildHomeView({ officer, queue: [], now: NOW });
    expect(textOf(view.blocks)).toContain('Nothing is waiting for a decision.');
    expect(textOf(view.blocks)).toContain('Pending queue: EIC-MUM');
  });

  it('stays within the 100-block limit for a long queue', () => {
    const queue = Array.from({ length: 80 }, (_, i) => card({ applicationNumber: `APP${String(i).padStart(4, '0')}`, waitingSince: hoursBefore(i) }));
    const view = buildHomeView({ officer, queue, now: NOW });
    expect(checkView(view, 'home')).toEqual([]);
    expect(textOf(view.blocks)).toContain(`… and ${80 - HOME_QUEUE_SHOWN} more in the office channel.`);
    expect(textOf(view.blocks)).toContain('*80* files wait');
  });

  it('explains linking to an unlinked user', () => {
    const view = buildUnlinkedHomeView('/coo');
    expect(checkView(view, 'home')).toEqual([]);
    expect(textOf(view.blocks)).toContain('Type `/coo link <code>`');
  });
});
