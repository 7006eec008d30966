// Every number of a deal with the sentence that explains it (DOMAIN §4), for the overlay.

import { h } from './dom.js';
import * as format from './format.js';

const { money, percent } = format;

/** Which path of ingestion produced a figure (the `*_review` / `*_source` fields), as a sentence. */
const paths = {
  list_at_review: {
    ai_yes: ' The AI judged this price reasonable.',
    ai_no: ' The AI judged this price unreasonable, so the deal is hidden.',
    accepted: ' Accepted without an AI review (no AI provider configured).',
    accepted_quota: ' Accepted without an AI review: the AI budget for ingestion was used up.',
    accepted_error: ' Accepted without an AI review: the AI provider did not answer.',
  },
  sales_source: {
    ai_rescue: ' These sales were found by the AI in the price and rank history.',
    unrescued_quota: ' No AI rescue of missing sales: the AI budget was used up.',
    unrescued_error: ' No AI rescue of missing sales: the AI provider did not answer.',
  },
  seasonality_source: {
    keywords: ' Classified from title, category and publisher keywords.',
    ai: ' Classified by the AI.',
    default: ' No keyword matched and no AI was asked: treated as year-round.',
    default_quota: ' Treated as year-round: the AI budget was used up.',
    default_error: ' Treated as year-round: the AI provider did not answer.',
  },
};
const path = (d, field) => paths[field][d[field]] ?? '';

/** [label, value, explanation] for each figure of `deal` (a /api/deals/<asin> object). */
function rows(d) {
  const listAtSource = { inferred: 'the median sale price of its peak-season month', inferred_sparse: 'the few sales there are (sparse history)' }[d.list_at_source] ?? 'the sales history';
  return [
    ['Price now', money(d.price_now), `Cheapest suitable offer${d.seller_name ? ` (seller ${d.seller_name})` : ''}, item plus shipping${d.shipping_included ? ' (ships free)' : ''}.`],
    ['1-year average', money(d.one_year_avg), `Mean of the ${d.inferred_sales_count ?? 'inferred'} sales inferred from offer and rank drops in the last 365 days.${path(d, 'sales_source')}`],
    ['% below average', percent(d.percent_down), 'How far Price now sits below the 1-year average (0 when above).'],
    ['List at', money(d.list_at), `Recommended resale price, from ${listAtSource}${d.list_at_check === 'capped' ? '; capped by the Amazon ceiling or hard cap' : ''}.${path(d, 'list_at_review')}`],
    ['All-in cost', money(d.all_in_cost), 'Price now + sales tax + your prep fee + inbound shipping (from Settings).'],
    ['Amazon fees', money(d.amazon_fees), `FBA pick & pack ${money(d.fba_fee)} + referral ${percent(d.referral_fee_pct ?? 15)} of List at.`],
    ['Profit', money(d.profit), 'List at − Amazon fees − all-in cost.'],
    ['Margin', percent(d.margin), 'Profit ÷ List at.'],
    ['ROI', percent(d.roi), 'Profit ÷ all-in cost: what each dollar you spend earns.'],
    ['Min. listing price', money(d.min_listing_price), 'Lowest price that still covers costs, fees and your markup.'],
    ['Sales rank', format.rank(d.sales_rank), `Now; averages ${format.rank(d.sales_rank_avg180)} (180 d) and ${format.rank(d.sales_rank_avg365)} (365 d). Lower sells faster.`],
    ['Rank drops', `${format.count(d.drops30)} / ${format.count(d.drops180)} / ${format.count(d.drops365)}`, 'Sales-rank drops in 30 / 180 / 365 days, roughly one per sale.'],
    ['Used offers', format.count(d.used_offers_now), `Competing used offers now; 30-day average ${format.count(d.used_offers_avg30 == null ? null : Math.round(d.used_offers_avg30))}. Rising competition pushes prices down.`],
    ['Deal trust', percent(d.deal_trust), `${format.count(d.inferred_sales_count)} of ${format.count(d.offer_drops_count)} offer drops were confirmed as sales by a rank drop.`],
    ['Seller trust', format.sellerTrust(d.seller_quality), 'Lower bound of the seller’s positive-rating share, given how many ratings they have.'],
    ['Seasonality', d.seasonality ?? '—', `Sells ${d.sells_window ?? 'all year'}; peak ${format.month(d.peak_month)}, trough ${format.month(d.trough_month)}.${path(d, 'seasonality_source')}`],
    ['Expected trough price', money(d.expected_trough), `Typical price in the trough month (${format.month(d.trough_month)}): a good time to buy.`],
    ['Trend', format.TRENDS[d.trend]?.join(' ') ?? '—', `Direction of recent prices; last change ${format.ago(d.last_price_change_at)} ago.`],
    ['Amazon', d.amazon_selling ? `sells, ${money(d.amazon_price)}` : 'not selling', 'When Amazon sells a book itself it usually wins the buy box.'],
  ];
}

export function renderFigures(list, deal) {
  list.replaceChildren(...rows(deal).map(([label, value, why]) =>
    h('div', { class: 'figure' }, h('dt', {}, label), h('dd', { class: 'value' }, value), h('dd', { class: 'why' }, why))));
}
