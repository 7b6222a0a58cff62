// SPDX-License-Identifier: AGPL-3.0-or-later

'use strict';
// What a screenshot of the viewport says about the image in it.

const { decodePng } = require('./png');

// A pixel is grey when its channels differ by at most this (the viewer renders
// greyscale CT as R = G = B; overlays and UI are coloured or white text).
const GREY_TOLERANCE = 2;

// Statistics over the central part of a screenshot (OHIF writes its overlay text
// in the corners): the number of distinct grey levels, the share of the most
// frequent grey level, and the share of pixels that are grey and not black.
function describeViewport(png, centralFraction = 0.5) {
  const { width, height, rgba } = decodePng(png);
  const left = Math.floor(width * (1 - centralFraction) / 2);
  const top = Math.floor(height * (1 - centralFraction) / 2);
  const right = width - left;
  const bottom = height - top;
  const histogram = new Map();
  let total = 0;
  let greyNotBlack = 0;
  for (let y = top; y < bottom; y++) {
    for (let x = left; x < right; x++) {
      const i = (y * width + x) * 4;
      const [r, g, b] = [rgba[i], rgba[i + 1], rgba[i + 2]];
      total++;
      if (Math.max(r, g, b) - Math.min(r, g, b) > GREY_TOLERANCE) {
        continue;
      }
      const level = Math.round((r + g + b) / 3);
      histogram.set(level, (histogram.get(level) || 0) + 1);
      if (level > 16) {
        greyNotBlack++;
      }
    }
  }
  const largest = Math.max(0, ...histogram.values());
  return {
    width,
    height,
    distinctGreyLevels: histogram.size,
    dominantLevelShare: total ? largest / total : 1,
    greyNotBlackShare: total ? greyNotBlack / total : 0,
  };
}

// An image, not a blank or flat viewport: in the middle of the viewport (where the
// phantom's body is, away from the overlay text in the corners) many grey levels,
// no single one covering most of it, and most of it grey rather than black.
const MINIMUM_GREY_LEVELS = 16;
const MAXIMUM_DOMINANT_SHARE = 0.9;
const MINIMUM_NOT_BLACK_SHARE = 0.25;

function looksLikeAnImage(statistics) {
  return statistics.distinctGreyLevels >= MINIMUM_GREY_LEVELS
    && statistics.dominantLevelShare <= MAXIMUM_DOMINANT_SHARE
    && statistics.greyNotBlackShare >= MINIMUM_NOT_BLACK_SHARE;
}

module.exports = { describeViewport, looksLikeAnImage };
