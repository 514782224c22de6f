// Bench-only: the peer beside our analyser on the review sets. Scores the VADER paper's ground-truth files
// (bench/data/sentiment) with the npm port of VADER (vader-sentiment 1.1.3) and prints Pearson r of its compound
// score with the mean human rating, the figure docs/benchmarks.md sets beside ours and beside the paper's.
// It measures the reference only: nothing in our analyser is chosen from it.
// Usage: node peer.js <groundtruth.txt> [...]
'use strict';
const fs = require('fs');
const vader = require('vader-sentiment');
const { pearson } = require('./stats');


for (const file of process.argv.slice(2)) {
  // id <TAB> mean rating (-4..4) <TAB> text, CRLF line ends.
  const rows = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter(l => l.length > 0).map(l => l.split('\t'));
  const human = rows.map(r => Number(r[1]));
  const ref = rows.map(r => vader.SentimentIntensityAnalyzer.polarity_scores(r.slice(2).join('\t')).compound);
  console.log(`${file.split('/').pop()}: ${rows.length} texts, r(reference VADER, human mean) ${pearson(ref, human).toFixed(3)}`);
}
