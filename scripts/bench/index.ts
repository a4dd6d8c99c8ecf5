import { printTable, writeResults, type Row } from './lib';
import { benchLedger } from './ledger';
import { benchCheckout } from './checkout';
import { benchCheckoutPoints } from './checkout-points';
import { benchCheckin } from './checkin';
import { benchFlashSale } from './flash-sale';
import { benchBirthday } from './birthday';
import { benchCard } from './card';
import { benchEmbedded } from './embedded';
import { benchOutbox } from './outbox';
import { benchScale } from './scale';
import { profileWorkload } from './profile';

/**
 * `npm run bench`: every workload on MariaDB, each against its raw-SQL baseline
 * measured in the same run, in one table (and bench-results/all.json).
 */
const workloads: { name: string; run: () => Promise<Row | Row[]>; onlyByName?: boolean }[] = [
  { name: 'ledger', run: benchLedger },
  { name: 'checkout', run: benchCheckout },
  { name: 'checkout-points', run: benchCheckoutPoints },
  { name: 'card', run: benchCard },
  { name: 'checkin', run: benchCheckin },
  { name: 'flash-sale', run: benchFlashSale },
  { name: 'birthday', run: benchBirthday },
  // The embedded database, not MariaDB: run only when named (`npm run bench -- embedded`).
  { name: 'embedded', run: benchEmbedded, onlyByName: true },
  { name: 'outbox', run: benchOutbox },
  // A million members seeded first (minutes): run only when named (`npm run bench -- scale`).
  { name: 'scale', run: benchScale, onlyByName: true },
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === 'profile') {
    // `npm run bench -- profile checkout card`: each named workload with the server under --cpu-prof.
    for (const name of args.slice(1)) {
      const w = workloads.find((x) => x.name === name);
      if (!w) throw new Error(`no workload ${name}`);
      await profileWorkload(name, w.run);
    }
    return;
  }
  const only = args;
  const rows: Row[] = [];
  for (const w of workloads) {
    if (only.length ? !only.includes(w.name) : w.onlyByName) continue;
    console.log(`running ${w.name}...`);
    const out = await w.run();
    rows.push(...(Array.isArray(out) ? out : [out]));
  }
  printTable(rows);
  console.log(`results: ${writeResults('all', rows)}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
