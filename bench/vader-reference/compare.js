// Bench-only: sets the lexicon analyser's scores (IT-support list off, written by
// `Monitor.Bench.Sentiment.dll vader-scores <labelled.tsv> <out.tsv>`) beside the npm port of VADER
// (vader-sentiment 1.1.3, Apache-2.0). Use it on the Senti4SD TRAIN partition or hand-written sentences only:
// the review sets in bench/data/sentiment are for measuring, not for finding what to change.
// Usage: node compare.js <out.tsv> [how many disagreements to list, default 40]
'use strict';
const fs = require('fs');
const vader = require('vader-sentiment');
const { pearson } = require('./stats');

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node compare.js <scores.tsv> [top]');
  process.exit(2);
}
const rows = fs.readFileSync(file, 'utf8').split('\n').filter(l => l.length > 0).map(l => {
  const [id, ours, ...text] = l.split('\t');
  const joined = text.join('\t');
  return { id, ours: Number(ours), text: joined, ref: vader.SentimentIntensityAnalyzer.polarity_scores(joined).compound };
});


const cls = s => (s >= 0.05 ? 1 : s <= -0.05 ? -1 : 0);
const agree = rows.filter(r => cls(r.ours) === cls(r.ref)).length;
const meanAbs = rows.reduce((a, r) => a + Math.abs(r.ours - r.ref), 0) / rows.length;
console.log(`texts ${rows.length}  r(ours, reference) ${pearson(rows.map(r => r.ours), rows.map(r => r.ref)).toFixed(3)}  ` +
  `same class (±0.05) ${(100 * agree / rows.length).toFixed(1)} %  mean |difference| ${meanAbs.toFixed(3)}`);
const top = Number(topArg || 40);
rows.sort((a, b) => Math.abs(b.ours - b.ref) - Math.abs(a.ours - a.ref));
for (const r of rows.slice(0, top)) {
  console.log(`${r.ours.toFixed(3)}\t${r.ref.toFixed(3)}\t${r.id}\t${r.text.slice(0, 160)}`);
}
