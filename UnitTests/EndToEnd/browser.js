// SPDX-License-Identifier: AGPL-3.0-or-later

'use strict';
// Headless Chromium (Debian's) driven by playwright-core, and a recorder of what the
// page sees on the network and in its console: the evidence the scenarios assert on.

const path = require('node:path');

function loadPlaywright() {
  const folder = process.env.E2E_NODE_DIR;
  if (!folder) {
    throw new Error('E2E_NODE_DIR is not set: run the suite through run-e2e.sh (or ctest -L e2e), which '
      + 'installs playwright-core and says where');
  }
  return require(path.join(folder, 'node_modules', 'playwright-core'));
}

const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGUMENTS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic',
];

// The storage feature Playwright turns off in every Chromium it launches
// (microsoft/playwright#32230), and which Chromium ships on: a frame of another site
// than the page's gets storage of its own, partitioned by the page's site. With it off,
// and third-party cookies blocked (Chromium 156's default, measured: a fresh profile
// and Playwright's contexts alike), such a frame is refused storage: reading
// window.localStorage throws.
const STORAGE_PARTITIONING = 'ThirdPartyStoragePartitioning';

let playwrightDisabledFeatures;

// Playwright's own --disable-features list, which it does not export: read once from
// the command line of a Chromium it launched, as DevTools reports it (only to a
// browser started with --enable-automation).
async function disabledFeaturesOfPlaywright() {
  if (!playwrightDisabledFeatures) {
    const { chromium } = loadPlaywright();
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
      args: [...CHROMIUM_ARGUMENTS, '--enable-automation'] });
    try {
      const devTools = await browser.newBrowserCDPSession();
      const { arguments: commandLine } = await devTools.send('Browser.getBrowserCommandLine');
      const argument = commandLine.filter((text) => text.startsWith('--disable-features=')).pop();
      playwrightDisabledFeatures = argument ? argument.slice('--disable-features='.length).split(',') : [];
    } finally {
      await browser.close();
    }
  }
  return playwrightDisabledFeatures;
}

// A new browser per scenario: Playwright gives each launch a fresh --user-data-dir,
// so no preflight cache, HTTP cache or storage crosses from one scenario to the next.
//   sites: { hostResolverRules, secureOrigins } from environment.py: host names that
//     Chromium resolves to the loopback servers (so that sites really differ: a site is
//     the scheme and the registrable domain), and their http:// origins, which Chromium
//     must treat as secure, as their https:// counterparts would be (cross-origin
//     isolation, service workers);
//   storagePartitioning: true gives Chromium its own default back (Playwright's
//     --disable-features list without ThirdPartyStoragePartitioning); false makes a
//     browser that refuses storage to frames of another site (the list with it,
//     whatever a later Playwright does); left out, Playwright's list as it is. Chromium
//     reads the last --disable-features it is given.
async function launchBrowser({ sites = null, storagePartitioning } = {}) {
  const { chromium } = loadPlaywright();
  const args = [...CHROMIUM_ARGUMENTS];
  if (sites) {
    args.push(`--host-resolver-rules=${sites.hostResolverRules}`,
      `--unsafely-treat-insecure-origin-as-secure=${sites.secureOrigins.join(',')}`);
  }
  if (storagePartitioning !== undefined) {
    const others = (await disabledFeaturesOfPlaywright()).filter((name) => name !== STORAGE_PARTITIONING);
    const features = storagePartitioning ? others : [...others, STORAGE_PARTITIONING];
    args.push(`--disable-features=${features.join(',')}`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

const CORS_CONSOLE_MESSAGE = /CORS policy|Access-Control-Allow-|Cross-Origin-(Embedder|Resource|Opener)-Policy/i;

// Records, for one page: every request with its outcome, the CORS preflights (seen
// through the DevTools protocol: Playwright does not report them), console errors.
class PageRecorder {
  constructor() {
    this.requests = [];
    this.preflights = [];
    this.consoleErrors = [];
    this.pageErrors = [];
    this.inFlight = new Set();
  }

  static async attach(page) {
    const recorder = new PageRecorder();
    page.on('request', (request) => {
      recorder.inFlight.add(request);
      recorder.requests.push({ request, url: request.url(), method: request.method(), status: null, failure: null });
    });
    const entry = (request) => recorder.requests.find((candidate) => candidate.request === request);
    page.on('requestfinished', async (request) => {
      const response = await request.response().catch(() => null);
      entry(request).status = response ? response.status() : null;
      recorder.inFlight.delete(request);
    });
    page.on('requestfailed', (request) => {
      entry(request).failure = request.failure()?.errorText || 'failed';
      recorder.inFlight.delete(request);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') {
        recorder.consoleErrors.push(message.text());
      }
    });
    page.on('pageerror', (error) => recorder.pageErrors.push(String(error)));

    const devTools = await page.context().newCDPSession(page);
    const preflightsById = new Map();
    devTools.on('Network.requestWillBeSent', (event) => {
      // Chromium reports a preflight as an OPTIONS request whose initiator is "preflight".
      if (event.initiator?.type === 'preflight') {
        const preflight = { url: event.request.url, status: null, failure: null };
        preflightsById.set(event.requestId, preflight);
        recorder.preflights.push(preflight);
      }
    });
    devTools.on('Network.responseReceived', (event) => {
      const preflight = preflightsById.get(event.requestId);
      if (preflight) {
        preflight.status = event.response.status;
      }
    });
    devTools.on('Network.loadingFailed', (event) => {
      const preflight = preflightsById.get(event.requestId);
      if (preflight) {
        preflight.failure = event.errorText;
      }
    });
    await devTools.send('Network.enable');
    return recorder;
  }

  // Waits until no request has been in flight for `quietMs`, or throws at the deadline.
  async waitForNetworkIdle(page, { timeoutMs = 30_000, quietMs = 750 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      if (this.inFlight.size > 0) {
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= quietMs) {
        return;
      }
      await page.waitForTimeout(100);
    }
    throw new Error(`network still busy after ${timeoutMs / 1000} s: ${[...this.inFlight].map((r) => r.url()).join(', ')}`);
  }

  corsConsoleErrors() {
    return this.consoleErrors.filter((text) => CORS_CONSOLE_MESSAGE.test(text));
  }

  // Requests that failed at the network level (CORS refusals included) or got an
  // HTTP error status. `except` filters out requests a test made on purpose.
  failedRequests(except = () => false) {
    return this.requests
      .filter((entry) => !except(entry.url))
      .filter((entry) => entry.failure !== null || (entry.status !== null && entry.status >= 400))
      .map((entry) => `${entry.method} ${entry.url} -> ${entry.failure ?? entry.status}`);
  }

  requestsTo(prefix) {
    return this.requests.filter((entry) => entry.url.startsWith(prefix));
  }

  summary() {
    return {
      requests: this.requests.map((entry) => ({ method: entry.method, url: entry.url, status: entry.status,
        failure: entry.failure })),
      preflights: this.preflights,
      consoleErrors: this.consoleErrors,
      pageErrors: this.pageErrors,
    };
  }
}

module.exports = { launchBrowser, PageRecorder };
