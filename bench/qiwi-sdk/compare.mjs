// Fetch one year of a wallet's history with the npm library qiwi-sdk, paged
// by hand the way its docs suggest (90-day windows, nextTxnId/nextTxnDate),
// and print requests, rows and wall time. Usage:
//   node compare.mjs URL TOKEN WALLET [DAYS]
import QIWI from "qiwi-sdk";

const [url, token, wallet, days = "365"] = process.argv.slice(2);
const factory = QIWI.Wallet.httpClientFactory;
QIWI.Wallet.httpClientFactory = (t) => {
  const http = factory(t);
  http.client.options = { ...http.client.options, baseURL: url.replace(/\/?$/, "/") };
  return http;
};
const w = QIWI.Wallet.create(token, wallet);

// QIWI wants both ends in one zone; the library leaves formatting to us.
const iso = (d) => new Date(d.getTime() + 3 * 3600e3).toISOString().slice(0, 19) + "+03:00";
const end = new Date();
const start = new Date(end.getTime() - Number(days) * 86400e3);
let requests = 0, rows = 0, error = null;
const t0 = performance.now();
walk: for (let hi = end; hi > start; ) {
  const lo = new Date(Math.max(start.getTime(), hi.getTime() - 90 * 86400e3));
  let cursor = {};
  for (;;) {
    let page;
    try {
      requests++;
      page = await w.paymentHistory.getHistory({ rows: 50, startDate: iso(lo), endDate: iso(hi), ...cursor });
    } catch (e) {
      error = String(e.statusCode || e.status || e.message || e); // e.g. QIWI's 423: the wallet is blocked for 5 minutes
      break walk;
    }
    rows += page.data.length;
    if (!page.nextTxnId || page.data.length === 0) break;
    cursor = { nextTxnId: page.nextTxnId, nextTxnDate: page.nextTxnDate };
  }
  hi = new Date(lo.getTime() - 1000);
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ library: "qiwi-sdk@4.1.4", days: Number(days), requests, rows, seconds: +(ms / 1000).toFixed(2), error }));
