// SPDX-License-Identifier: AGPL-3.0-or-later

'use strict';
// The published OHIF viewer, in headless Chromium, reading a CT study from a real
// Orthanc through this plugin: on another origin, with Orthanc's authentication,
// served by the gateway itself as one cross-origin-isolated origin, and embedded in
// a portal's page of another origin (shape 4), of the viewer's site and of another
// site, in a browser that refuses storage to frames of another site and in one with
// Chromium's default storage partitioning; and the negative controls: OHIF pointed at
// Orthanc's own port, and a portal that FrameAncestors does not list.
//
// Run by run-e2e.sh (ctest -L e2e), which installs Chromium and playwright-core,
// fetches OHIF and sets: E2E_NODE_DIR, E2E_OHIF_DIST, E2E_ARTIFACTS_DIR, E2E_WORK_DIR,
// ORTHANC_CORS_PLUGIN.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { startEnvironment } = require('./environment');
const { launchBrowser, PageRecorder } = require('./browser');
const ohif = require('./ohif');

const SLICES = 8;
const SCENARIO_TIMEOUT_MS = 180_000;
const ARTIFACTS = process.env.E2E_ARTIFACTS_DIR || path.join(os.tmpdir(), 'orthanc-cors-e2e-artifacts');
const WORK = process.env.E2E_WORK_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'orthanc-cors-e2e-'));

function requiredSetting(name) {
  if (!process.env[name]) {
    throw new Error(`${name} is not set: run the suite through UnitTests/EndToEnd/run-e2e.sh or ctest -L e2e`);
  }
  return process.env[name];
}

function artifact(scenario, name) {
  return path.join(ARTIFACTS, `${scenario}-${name}`);
}

// Runs `scenario` ({ page, recorder } => result) in a fresh browser (no cache, no
// storage from another scenario; OHIF's tour marked as seen; `launchOptions` as
// launchBrowser takes them); saves a screenshot on failure, and what the page saw on
// the network and in its console.
async function inFreshBrowser(name, viewport, scenario, launchOptions = {}) {
  const browser = await launchBrowser(launchOptions);
  let recorder;
  try {
    const context = await browser.newContext({ viewport });
    await ohif.skipOnboardingTour(context);
    const page = await context.newPage();
    recorder = await PageRecorder.attach(page);
    try {
      return await scenario({ page, recorder });
    } catch (error) {
      if (error.screenshot) {
        fs.writeFileSync(artifact(name, 'viewport-last.png'), error.screenshot);
      }
      await page.screenshot({ path: artifact(name, 'failure.png') }).catch(() => {});
      throw error;
    }
  } finally {
    if (recorder) {
      fs.writeFileSync(artifact(name, 'network-and-console.json'), JSON.stringify(recorder.summary(), null, 2));
    }
    await browser.close();
  }
}

// Opens the scenario's viewer, goes from the study list to the rendered image as a
// user does, saves screenshots, then hands the page to `inspect`.
async function viewStudy(name, scenario, inspect) {
  return inFreshBrowser(name, { width: 1280, height: 800 }, async ({ page, recorder }) => {
    await ohif.openStudyList(page, scenario.viewer);
    const row = await ohif.waitForStudyInList(page, scenario.patientName);
    await page.screenshot({ path: artifact(name, 'study-list.png') });
    await ohif.launchBasicViewer(page, row, scenario.study);
    const { screenshot, statistics } = await ohif.waitForRenderedImage(page);
    fs.writeFileSync(artifact(name, 'viewport.png'), screenshot);
    await recorder.waitForNetworkIdle(page);
    await page.screenshot({ path: artifact(name, 'viewer.png') });
    return inspect({ page, recorder, statistics, sliceCounter: await ohif.sliceCounter(page) });
  });
}

// What every working scenario shows: all the series' slices known to the viewer,
// no failed request, no CORS complaint in the console, DICOMweb answered 200.
function assertCleanRun({ recorder, sliceCounter }, scenario) {
  assert.match(sliceCounter, new RegExp(`/${SLICES}\\)`), `the viewer should know the ${SLICES} slices`);
  assert.deepEqual(recorder.failedRequests(), [], 'no request may fail');
  assert.deepEqual(recorder.corsConsoleErrors(), [], 'no CORS error in the console');
  assert.deepEqual(recorder.pageErrors, [], 'no uncaught error in the page');
  const dicomWeb = recorder.requestsTo(scenario.dicomWebRoot);
  assert.ok(dicomWeb.length > 0, `OHIF should have called ${scenario.dicomWebRoot}`);
  assert.deepEqual(dicomWeb.filter((entry) => entry.status !== 200).map((entry) => entry.url), [],
    'every DICOMweb request answered 200');
  return dicomWeb;
}

// The browser sent preflights to the DICOMweb root, and each one was answered 204.
function assertPreflightsAnswered(recorder, scenario) {
  const preflights = recorder.preflights.filter((preflight) => preflight.url.startsWith(scenario.dicomWebRoot));
  assert.ok(preflights.length > 0, 'the browser should have preflighted DICOMweb requests');
  assert.deepEqual(preflights.filter((preflight) => preflight.status !== 204), [],
    'every preflight answered 204 by the gateway');
}

// Opens the scenario's portal page and hands `inspect` the page, its recorder and
// the iframe's frame (which an error page replaces when the frame is refused).
async function inPortal(name, scenario, inspect, launchOptions = {}) {
  return inFreshBrowser(name, { width: 1280, height: 900 }, async ({ page, recorder }) => {
    await page.goto(scenario.portal + '/', { waitUntil: 'load' });
    const frame = await (await page.waitForSelector('iframe#viewer')).contentFrame();
    return inspect({ page, recorder, frame });
  }, launchOptions);
}

// What a portal framing the viewer shows when it works: the portal isolated, the
// study rendered in the frame, every request answered, the frame isolated too.
async function assertRendersInFrame(name, scenario, { page, recorder, frame }, beforeImage = async () => {}) {
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true,
    'the portal is cross-origin isolated by the headers of Resources/Examples/Embedded/nginx.conf');
  await frame.waitForURL((url) => url.href === scenario.framedUrl, { timeout: 30_000 });
  await beforeImage(frame);
  const { screenshot } = await ohif.waitForRenderedImage(frame);
  fs.writeFileSync(artifact(name, 'viewport.png'), screenshot);
  await recorder.waitForNetworkIdle(page);
  await page.screenshot({ path: artifact(name, 'portal.png') });
  assertCleanRun({ recorder, sliceCounter: await ohif.sliceCounter(frame) }, scenario);
  assert.deepEqual(recorder.consoleErrors.filter((text) => FRAME_ANCESTORS_REFUSAL.test(text)), []);
  assert.deepEqual(await frame.evaluate(() => [self.crossOriginIsolated, typeof SharedArrayBuffer]),
    [true, 'function'], 'the viewer in the frame should be cross-origin isolated (SharedArrayBuffer)');
}

// Whether the frame's document may read window.localStorage (the browser's storage
// for it: its own site's, or one partitioned by the portal's site).
function frameStorageReadable(frame) {
  return frame.evaluate(() => {
    try {
      return window.localStorage instanceof Storage;
    } catch (refused) {
      return false;
    }
  });
}

// What Chromium throws, in the frame, at OHIF's first read of window.localStorage
// when it refuses the frame storage.
const STORAGE_REFUSAL = /Failed to read the 'localStorage' property from 'Window': Access is denied for this document/;

// The frame-ancestors refusal Chromium prints in the portal's console: "Framing
// '<viewer>/' violates the following Content Security Policy directive:
// "frame-ancestors 'self' <listed>". The request has been blocked." (Chromium 156;
// older versions: "Refused to frame '<viewer>/' because an ancestor violates ...").
const FRAME_ANCESTORS_REFUSAL = /(Framing|Refused to frame) '[^']*' (because an ancestor )?violates the following Content Security Policy directive: "frame-ancestors 'self'/;

describe('OHIF in headless Chromium through the Cors plugin', { timeout: 900_000 }, () => {
  let environment;

  before(async () => {
    requiredSetting('ORTHANC_CORS_PLUGIN');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    environment = await startEnvironment({ ohifDist: requiredSetting('E2E_OHIF_DIST'), workDir: WORK, slices: SLICES });
  });

  // Whatever the scenarios' outcome: run-e2e.sh keeps the work folder (Orthancs' logs
  // included) or removes it according to the test runner's exit status.
  after(async () => {
    if (environment) {
      await environment.stop();
    }
  });

  test('OHIF on another origin lists and renders the study through the gateway, quoted multipart retrieves preflighted',
    { timeout: SCENARIO_TIMEOUT_MS }, async () => {
      const scenario = environment.scenarios.crossOrigin;
      await viewStudy('a-cross-origin', scenario, async (result) => {
        const dicomWeb = assertCleanRun(result, scenario);
        // The quotes in OHIF's multipart Accept make it a non-safelisted header value:
        // these retrieves cannot be sent without a preflight.
        const quotedRetrieves = [];
        for (const entry of dicomWeb) {
          const accept = (await entry.request.allHeaders()).accept || '';
          if (accept.startsWith('multipart/related') && accept.includes('"')) {
            quotedRetrieves.push(entry);
          }
        }
        assert.ok(quotedRetrieves.length >= 1, 'OHIF should retrieve pixels with its quoted multipart Accept');
        assertPreflightsAnswered(result.recorder, scenario);
      });
    });

  test('OHIF with Orthanc authentication sends Authorization on every DICOMweb request, and a wrong password reads as 401',
    { timeout: SCENARIO_TIMEOUT_MS }, async () => {
      const scenario = environment.scenarios.authenticated;
      await viewStudy('b-authenticated', scenario, async (result) => {
        const dicomWeb = assertCleanRun(result, scenario);
        const withoutAuthorization = [];
        for (const entry of dicomWeb) {
          if ((await entry.request.allHeaders()).authorization !== scenario.authorization) {
            withoutAuthorization.push(entry.url);
          }
        }
        assert.deepEqual(withoutAuthorization, [], 'every DICOMweb request carries the credentials');
        assertPreflightsAnswered(result.recorder, scenario);

        // Orthanc's refusal must reach the page as a readable 401, not as a CORS failure.
        const probe = await result.page.evaluate(async ({ url, authorization }) => {
          try {
            const response = await fetch(url, { headers: { Authorization: authorization, Accept: 'application/dicom+json' } });
            return { status: response.status };
          } catch (error) {
            return { error: String(error) };
          }
        }, { url: `${scenario.dicomWebRoot}/studies?e2e-probe=wrong-password`, authorization: scenario.wrongAuthorization });
        assert.deepEqual(probe, { status: 401 }, 'a wrong password gives a readable 401');
        await result.recorder.waitForNetworkIdle(result.page);
        assert.deepEqual(result.recorder.corsConsoleErrors(), [], 'the 401 comes with no CORS error');
      });
    });

  test('the unmodified OHIF build served by the gateway at "/" renders the study, cross-origin isolated',
    { timeout: SCENARIO_TIMEOUT_MS }, async () => {
      const scenario = environment.scenarios.sameOrigin;
      await viewStudy('c-same-origin-isolated', scenario, async (result) => {
        assertCleanRun(result, scenario);
        assert.equal(await result.page.evaluate(() => self.crossOriginIsolated), true,
          'the page should be cross-origin isolated (COOP + COEP)');
      });
    });

  // Shape 4: portal.hospital.example framing pacs.hospital.example, and across sites,
  // portal.elsewhere.example framing it. The browser of these scenarios, but the last,
  // refuses storage to a frame of another site than the page's: third-party cookies
  // blocked (Chromium 156's default) and storage partitioning off (Playwright's default,
  // see browser.js), where a Chromium with partitioning on gives such a frame storage of
  // its own (the last).
  const refusingBrowser = () => ({ sites: environment.sites, storagePartitioning: false });

  test('OHIF embedded in a portal of its own site that FrameAncestors lists renders the study, cross-origin isolated in the frame, even where the browser refuses storage to frames of other sites',
    { timeout: SCENARIO_TIMEOUT_MS }, async () => {
      const scenario = environment.scenarios.embedded;
      const name = 'e-embedded-in-portal';
      await inPortal(name, scenario, async (portal) => {
        await assertRendersInFrame(name, scenario, portal);
        assert.equal(await frameStorageReadable(portal.frame), true,
          'a frame of the page\'s own site has its storage: it is no third party');
      }, refusingBrowser());
    });

  test('OHIF 3.13 embedded in a portal of another site stops at start-up where the browser refuses the frame storage: localStorage SecurityError, nothing rendered',
    { timeout: SCENARIO_TIMEOUT_MS }, async () => {
      const scenario = environment.scenarios.crossSitePortal;
      const name = 'g-cross-site-portal-storage-refused';
      await inPortal(name, scenario, async ({ page, recorder, frame }) => {
        // The frame was let in (FrameAncestors lists the portal) and its document loaded:
        // what stops OHIF is the browser's refusal of storage, met by OHIF's own code.
        await frame.waitForURL((url) => url.href === scenario.framedUrl, { timeout: 30_000 });
        const refusals = () => [...recorder.consoleErrors, ...recorder.pageErrors]
          .filter((text) => STORAGE_REFUSAL.test(text) && text.includes(scenario.framedViewer));
        const deadline = Date.now() + 60_000;
        while (refusals().length === 0 && Date.now() < deadline) {
          await page.waitForTimeout(100);
        }
        await recorder.waitForNetworkIdle(page);
        await page.screenshot({ path: artifact(name, 'portal.png') });

        assert.ok(refusals().length > 0, 'OHIF\'s read of localStorage should throw in the frame: '
          + JSON.stringify({ consoleErrors: recorder.consoleErrors, pageErrors: recorder.pageErrors }));
        console.log(`Chromium threw in the frame: ${refusals()[0].split('\n').slice(0, 2).join(' | ')}`);
        assert.equal(await frameStorageReadable(frame), false, 'the browser refuses the frame storage');
        assert.deepEqual(recorder.consoleErrors.filter((text) => FRAME_ANCESTORS_REFUSAL.test(text)), []);
        // A black frame: OHIF's root element stays empty, no viewport, no study asked for.
        assert.equal(await frame.evaluate(() => document.getElementById('root').childElementCount), 0,
          'OHIF rendered nothing');
        assert.equal(await frame.locator('[data-cy="viewport-pane"]').count(), 0);
        assert.deepEqual(recorder.requestsTo(scenario.dicomWebRoot).map((entry) => entry.url), [],
          'OHIF stopped before its first DICOMweb request');
      }, refusingBrowser());
    });

  test('OHIF embedded in a portal of another site renders the study once app-config.js carries Embedded/storage-fallback.js, where the browser refuses the frame storage',
    { timeout: SCENARIO_TIMEOUT_MS }, async () => {
      const scenario = environment.scenarios.crossSiteFallbackPortal;
      const name = 'h-cross-site-portal-storage-fallback';
      await inPortal(name, scenario, async (portal) => {
        // Nothing could mark the tour as seen in a store that lasts as long as the page:
        // OHIF shows it, as to any new user, and the user closes it.
        await assertRendersInFrame(name, scenario, portal, async (frame) => {
          assert.equal(await ohif.closeOnboardingTour(frame), true, 'OHIF shows its tour to a user it cannot remember');
        });
        assert.equal(await portal.frame.evaluate(() => window.localStorage instanceof Storage), false,
          'the frame runs on the in-memory store of storage-fallback.js, the browser\'s being refused');
      }, refusingBrowser());
    });

  test('OHIF embedded in a portal of another site renders the study with Chromium\'s default storage partitioning, third-party cookies blocked',
    { timeout: SCENARIO_TIMEOUT_MS }, async () => {
      const scenario = environment.scenarios.crossSitePortal;
      const name = 'i-cross-site-portal-partitioned-storage';
      await inPortal(name, scenario, async (portal) => {
        await assertRendersInFrame(name, scenario, portal);
        // The frame has storage of its own, keyed by the portal's site: not the storage the
        // viewer has when opened on its own, and its cookies are still refused.
        assert.equal(await frameStorageReadable(portal.frame), true, 'partitioned storage for the frame');
        assert.equal(await portal.frame.evaluate(() => {
          document.cookie = 'e2e-probe=1; SameSite=None; Secure';
          return document.cookie.includes('e2e-probe');
        }), false, 'third-party cookies are blocked, Chromium 156\'s default');
      }, { sites: environment.sites, storagePartitioning: true });
    });

  test('negative control: a portal that FrameAncestors does not list gets no viewer in its frame',
    { timeout: SCENARIO_TIMEOUT_MS }, async () => {
      const scenario = environment.scenarios.refusedPortal;
      const name = 'f-refused-portal';
      await inPortal(name, scenario, async ({ page, recorder, frame }) => {
        const deadline = Date.now() + 30_000;
        while (!recorder.consoleErrors.some((text) => FRAME_ANCESTORS_REFUSAL.test(text)) && Date.now() < deadline) {
          await page.waitForTimeout(100);
        }
        await recorder.waitForNetworkIdle(page);
        await page.screenshot({ path: artifact(name, 'portal.png') });

        const refusals = recorder.consoleErrors.filter((text) => FRAME_ANCESTORS_REFUSAL.test(text));
        assert.equal(refusals.length, 1, `Chromium should report the refused frame: ${JSON.stringify(recorder.consoleErrors)}`);
        assert.ok(refusals[0].includes(scenario.framedViewer), refusals[0]);
        console.log(`Chromium printed: ${refusals[0]}`);
        // The portal is not isolated: only frame-ancestors kept the viewer out. Its
        // document arrived and was refused; nothing of the viewer ran.
        assert.equal(await page.evaluate(() => self.crossOriginIsolated), false);
        const viewerRequests = recorder.requestsTo(scenario.framedViewer).map((entry) => entry.url);
        assert.deepEqual(viewerRequests, [scenario.framedUrl], 'only the refused document may have been fetched');
        assert.notEqual(frame.url(), scenario.framedUrl, 'the frame shows the browser\'s error page');
        assert.equal(await frame.locator('[data-cy="viewport-pane"]').count(), 0);
      });
    });

  test('negative control: OHIF on another origin pointed at Orthanc\'s own port fails with CORS errors',
    { timeout: SCENARIO_TIMEOUT_MS }, async () => {
      const scenario = environment.scenarios.orthancDirect;
      const name = 'd-orthanc-direct-negative-control';
      const browser = await launchBrowser();
      let recorder;
      try {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        await ohif.skipOnboardingTour(context);
        const page = await context.newPage();
        recorder = await PageRecorder.attach(page);
        await ohif.openStudyList(page, scenario.viewer);

        const deadline = Date.now() + 60_000;
        while (recorder.corsConsoleErrors().length === 0 && Date.now() < deadline) {
          await page.waitForTimeout(100);
        }
        await recorder.waitForNetworkIdle(page);
        await page.screenshot({ path: artifact(name, 'study-list.png') });

        // The viewer itself started (a broken app-config.js would also show no study):
        // what fails is the network, and only that.
        assert.deepEqual(recorder.pageErrors, [], 'no uncaught error in the page');
        assert.ok(recorder.corsConsoleErrors().length > 0, 'the browser should report CORS errors');
        const blocked = recorder.requestsTo(scenario.dicomWebRoot).filter((entry) => entry.failure !== null);
        assert.ok(blocked.length > 0, 'the DICOMweb requests to Orthanc\'s own port should fail');
        assert.equal(await ohif.studyRow(page, scenario.patientName).count(), 0,
          'the study must not appear in the list');

        // The pixel retrieves would not get further: Orthanc answers their preflight 404.
        const retrieve = await page.evaluate(async (url) => {
          try {
            const response = await fetch(url, { headers: { Accept: 'multipart/related; type="application/octet-stream"' } });
            return { status: response.status };
          } catch (error) {
            return { error: error.name };
          }
        }, `${scenario.dicomWebRoot}/studies/${scenario.study}/series`);
        await recorder.waitForNetworkIdle(page);
        assert.deepEqual(retrieve, { error: 'TypeError' }, 'a quoted multipart retrieve must fail in the browser');
        const preflights = recorder.preflights.filter((preflight) => preflight.url.startsWith(scenario.dicomWebRoot));
        assert.ok(preflights.length > 0 && preflights.every((preflight) => preflight.status !== 204),
          `Orthanc's own port cannot answer a preflight: ${JSON.stringify(preflights)}`);
      } finally {
        if (recorder) {
          fs.writeFileSync(artifact(name, 'network-and-console.json'), JSON.stringify(recorder.summary(), null, 2));
        }
        await browser.close();
      }
    });
});
