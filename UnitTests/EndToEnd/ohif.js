// SPDX-License-Identifier: AGPL-3.0-or-later

'use strict';
// What a user does in OHIF 3.13, as steps: the study list, then the study in the
// basic viewer, then the image in the viewport. The selectors come from OHIF's DOM:
// the study list is a plain table (no data-cy on its rows); the viewer marks its
// panes with data-cy="viewport-pane" and draws into canvas.cornerstone-canvas.

const { describeViewport, looksLikeAnImage } = require('./pixels');

const VIEWPORT_CANVAS = '[data-cy="viewport-pane"] canvas.cornerstone-canvas';
const SLICE_COUNTER = '[data-cy="viewport-overlay-bottom-right"]';

// OHIF starts a guided tour over the viewport the first time; mark it as seen, as
// any returning user's browser has. Nothing else of OHIF is changed. The script runs in
// every frame, the portals' included; where the browser refuses the frame storage it
// does nothing, so that the refusal OHIF meets is its own, not an error of this script.
async function skipOnboardingTour(context) {
  await context.addInitScript(() => {
    let storage;
    try {
      storage = window.localStorage;
    } catch (refused) {
      return;
    }
    storage.setItem('shownTours', JSON.stringify(['basicViewerTour']));
  });
}

// OHIF's tour, where nothing could mark it as seen (a frame whose storage is the
// in-memory fallback of Embedded/storage-fallback.js): closes it as a user does, so
// that it does not cover the viewport. Returns whether there was one.
async function closeOnboardingTour(frame, timeoutMs = 15_000) {
  const skip = frame.getByRole('button', { name: /^Skip all$/i });
  try {
    await skip.first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (notShown) {
    return false;
  }
  await skip.first().click();
  return true;
}

function studyRow(page, patientName) {
  return page.locator('tbody tr', { hasText: patientName });
}

async function openStudyList(page, viewerUrl) {
  await page.goto(viewerUrl + '/', { waitUntil: 'load' });
}

async function waitForStudyInList(page, patientName, timeoutMs = 60_000) {
  const row = studyRow(page, patientName);
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  return row;
}

// Selects the study's row and launches the "Basic Viewer" workflow, as a user does.
async function launchBasicViewer(page, row, studyInstanceUid, timeoutMs = 30_000) {
  await row.click({ timeout: timeoutMs });
  await page.getByRole('button', { name: 'Basic Viewer' }).click({ timeout: timeoutMs });
  await page.waitForURL((url) => url.pathname === '/viewer'
    && url.searchParams.get('StudyInstanceUIDs') === studyInstanceUid, { timeout: timeoutMs });
}

// Polls screenshots of the viewport until they show an image; returns the last
// screenshot and its statistics, or throws with them at the deadline.
async function waitForRenderedImage(page, timeoutMs = 90_000) {
  const canvas = page.locator(VIEWPORT_CANVAS).first();
  await canvas.waitFor({ state: 'visible', timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  let screenshot;
  let statistics;
  while (Date.now() < deadline) {
    screenshot = await canvas.screenshot();
    statistics = describeViewport(screenshot);
    if (looksLikeAnImage(statistics)) {
      return { screenshot, statistics };
    }
    await page.waitForTimeout(250);
  }
  const error = new Error(`the viewport shows no image after ${timeoutMs / 1000} s: ${JSON.stringify(statistics)}`);
  error.screenshot = screenshot;
  throw error;
}

// The overlay's "I:1 (1/8)": which slice is shown, out of how many.
async function sliceCounter(page) {
  return (await page.locator(SLICE_COUNTER).innerText()).replace(/\s+/g, ' ').trim();
}

module.exports = {
  skipOnboardingTour, closeOnboardingTour, openStudyList, studyRow, waitForStudyInList, launchBasicViewer, waitForRenderedImage,
  sliceCounter,
};
