// SPDX-License-Identifier: AGPL-3.0-or-later

'use strict';
// The user-level figure: how long the published OHIF viewer (served from its own
// origin) takes to show the first image of a series, and to have fetched every slice
// of it, with its DICOMweb data source behind nginx or behind the gateway. Reuses the
// end-to-end suite's browser and OHIF steps. Reads a JSON description from argv[2]:
//   { "study": uid, "slices": n, "rounds": n, "viewers": { "nginx": url, "gateway": url },
//     "ignoreHTTPSErrors": false }
// (viewers: any names; ignoreHTTPSErrors: for the WAN mode's self-signed certificate)
// and prints one JSON line with every round's figures (seconds).

const path = require('node:path');

const E2E = path.join(__dirname, '..', '..', 'UnitTests', 'EndToEnd');
const { launchBrowser, PageRecorder } = require(path.join(E2E, 'browser.js'));
const ohif = require(path.join(E2E, 'ohif.js'));
const { describeViewport, looksLikeAnImage } = require(path.join(E2E, 'pixels.js'));

const VIEWPORT_CANVAS = '[data-cy="viewport-pane"] canvas.cornerstone-canvas';
const TIMEOUT_MS = 180_000;

// A slice's pixels: WADO-RS frames (imageRendering 'wadors'), one request per slice.
const FRAME_REQUEST = /\/frames\/\d+/;

async function firstImage(page, deadline) {
  const canvas = page.locator(VIEWPORT_CANVAS).first();
  await canvas.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
  while (Date.now() < deadline) {
    if (looksLikeAnImage(describeViewport(await canvas.screenshot()))) {
      return;
    }
    await page.waitForTimeout(50);
  }
  throw new Error('no image within the deadline');
}

function finishedFrames(recorder) {
  const urls = new Set();
  for (const entry of recorder.requests) {
    if (FRAME_REQUEST.test(entry.url) && entry.status === 200) {
      urls.add(entry.url);
    }
  }
  return urls.size;
}

// OHIF fetches the slices of the displayed stack on its own (cornerstone's stack
// prefetch); if it stops short, the user scrolls: this pages through the stack.
async function allSlices(page, recorder, slices, deadline) {
  let lastCount = -1;
  let stalledSince = Date.now();
  const canvas = page.locator(VIEWPORT_CANVAS).first();
  while (Date.now() < deadline) {
    const count = finishedFrames(recorder);
    if (count >= slices) {
      return { scrolled: false, frames: count };
    }
    if (count !== lastCount) {
      lastCount = count;
      stalledSince = Date.now();
    } else if (Date.now() - stalledSince > 1500) {
      await canvas.hover();
      for (let i = 0; i < 20; i++) {
        await page.mouse.wheel(0, 100);
      }
      stalledSince = Date.now();
    }
    await page.waitForTimeout(25);
  }
  throw new Error(`only ${finishedFrames(recorder)} of ${slices} slices fetched within the deadline`);
}

async function oneRound(viewer, study, slices, ignoreHTTPSErrors) {
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ignoreHTTPSErrors });
    await ohif.skipOnboardingTour(context);
    const page = await context.newPage();
    const recorder = await PageRecorder.attach(page);
    // How many frame retrieves were in flight at most: with a round-trip time, whether the
    // slices are fetched one after the other (1) or side by side is what the time is made of.
    let framesInFlight = 0;
    let peakFramesInFlight = 0;
    const frameEnded = (request) => {
      if (FRAME_REQUEST.test(request.url()) && request.method() === 'GET') {
        framesInFlight--;
      }
    };
    page.on('request', (request) => {
      if (FRAME_REQUEST.test(request.url()) && request.method() === 'GET') {
        peakFramesInFlight = Math.max(peakFramesInFlight, ++framesInFlight);
      }
    });
    page.on('requestfinished', frameEnded);
    page.on('requestfailed', frameEnded);
    const started = Date.now();
    const deadline = started + TIMEOUT_MS;
    await page.goto(`${viewer}/viewer?StudyInstanceUIDs=${study}`, { waitUntil: 'commit' });
    await firstImage(page, deadline);
    const firstImageSeconds = (Date.now() - started) / 1000;
    const outcome = await allSlices(page, recorder, slices, deadline);
    const allSlicesSeconds = (Date.now() - started) / 1000;
    const failed = recorder.failedRequests();
    return { firstImage: firstImageSeconds, allSlices: allSlicesSeconds, frames: outcome.frames,
      preflights: recorder.preflights.length, requests: recorder.requests.length, failedRequests: failed.length,
      peakFramesInFlight,
      corsErrors: recorder.corsConsoleErrors().length,
      crossOriginIsolated: await page.evaluate(() => self.crossOriginIsolated) };
  } finally {
    await browser.close();
  }
}

async function main() {
  const description = JSON.parse(process.argv[2]);
  const runs = {};
  let order = Object.keys(description.viewers);
  for (const name of order) {
    runs[name] = [];
  }
  // One untimed round each first: Chromium, the page cache and Orthanc warm up.
  for (const name of order) {
    await oneRound(description.viewers[name], description.study, description.slices,
      Boolean(description.ignoreHTTPSErrors));
  }
  for (let round = 0; round < description.rounds; round++) {
    for (const name of order) {
      const result = await oneRound(description.viewers[name], description.study, description.slices,
        Boolean(description.ignoreHTTPSErrors));
      process.stderr.write(`  OHIF round ${round + 1} ${name}: ${JSON.stringify(result)}\n`);
      runs[name].push(result);
    }
    order = order.slice(1).concat(order.slice(0, 1));
  }
  process.stdout.write(JSON.stringify({ slices: description.slices, runs }) + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
