import { runE2e } from './e2e.js';
const receipts = process.argv[2] === 'r';
const r = await runE2e({ jobs: 50_000, receipts, commandStats: true, cpuProf: process.argv[3] });
console.log(JSON.stringify(r));
