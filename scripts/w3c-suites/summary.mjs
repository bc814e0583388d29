// Reads the mocha JSON reports the suite run wrote and prints passed / failed / pending per
// suite, and with --failures the title and first line of each failure.
// usage: node summary.mjs [--failures] REPORT.json...
import {readFileSync} from 'node:fs';
import {basename} from 'node:path';

const args = process.argv.slice(2);
const showFailures = args.includes('--failures');
const rows = [];
for(const file of args.filter(a => a !== '--failures')) {
  const name = basename(file, '.json');
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch(e) {
    rows.push([name, '-', '-', '-', `no report (${e.message})`]);
    continue;
  }
  const {passes, failures, pending} = report.stats;
  rows.push([name, passes, failures, pending, '']);
  if(showFailures) {
    for(const f of report.failures) {
      const why = (f.err?.message || '').split('\n')[0].slice(0, 160);
      console.log(`${name}: FAILED ${f.fullTitle}\n    ${why}`);
    }
  }
}
console.log('| suite | passed | failed | pending | |');
console.log('|---|---:|---:|---:|---|');
for(const r of rows) {
  console.log(`| ${r.join(' | ')} |`);
}
