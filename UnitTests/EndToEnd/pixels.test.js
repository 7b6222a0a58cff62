// SPDX-License-Identifier: AGPL-3.0-or-later

'use strict';
// The image check the scenarios rely on must tell a rendered CT slice from a blank,
// flat or coloured viewport, and decode every PNG filter Chromium may use.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const zlib = require('node:zlib');

const { decodePng } = require('./png');
const { describeViewport, looksLikeAnImage } = require('./pixels');

const WIDTH = 64;
const HEIGHT = 48;

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
    }
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

// An RGB PNG of pixel(x, y) -> [r, g, b], each scanline filtered with filterOf(row).
function encodePng(pixel, filterOf = () => 0) {
  const stride = WIDTH * 3;
  const plain = Buffer.alloc(stride * HEIGHT);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      plain.set(pixel(x, y), y * stride + x * 3);
    }
  }
  const filtered = Buffer.alloc((stride + 1) * HEIGHT);
  for (let y = 0; y < HEIGHT; y++) {
    const filter = filterOf(y);
    filtered[y * (stride + 1)] = filter;
    for (let i = 0; i < stride; i++) {
      const at = (dy, di) => (y + dy >= 0 && i + di >= 0 ? plain[(y + dy) * stride + i + di] : 0);
      const [left, up, upLeft] = [at(0, -3), at(-1, 0), at(-1, -3)];
      const estimate = left + up - upLeft;
      const paeth = [left, up, upLeft].reduce((best, candidate) =>
        (Math.abs(estimate - candidate) < Math.abs(estimate - best) ? candidate : best));
      const predicted = [0, left, up, (left + up) >> 1, paeth][filter];
      filtered[y * (stride + 1) + 1 + i] = (plain[y * stride + i] - predicted) & 0xff;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(WIDTH, 0);
  header.writeUInt32BE(HEIGHT, 4);
  header[8] = 8;   // bit depth
  header[9] = 2;   // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(filtered)), chunk('IEND', Buffer.alloc(0))]);
}

// A disc of soft tissue with a gradient on black, as the phantom looks in OHIF.
function phantom(x, y) {
  const inside = (x - WIDTH / 2) ** 2 + (y - HEIGHT / 2) ** 2 < (HEIGHT / 2) ** 2;
  const grey = inside ? 60 + x * 2 + y : 0;
  return [grey, grey, grey];
}

describe('viewport pixels', () => {
  test('PNG scanline filters 0 to 4 all decode to the encoded pixels', () => {
    const png = encodePng(phantom, (row) => row % 5);
    const { width, height, rgba } = decodePng(png);
    assert.equal(width, WIDTH);
    assert.equal(height, HEIGHT);
    for (let y = 0; y < HEIGHT; y++) {
      for (let x = 0; x < WIDTH; x++) {
        const i = (y * WIDTH + x) * 4;
        assert.deepEqual([...rgba.subarray(i, i + 4)], [...phantom(x, y), 255], `pixel ${x},${y}`);
      }
    }
  });

  test('a rendered greyscale slice counts as an image', () => {
    assert.equal(looksLikeAnImage(describeViewport(encodePng(phantom))), true);
  });

  test('a black viewport with overlay text in its corners is not an image', () => {
    const corners = (x, y) => ((x < 8 || x >= WIDTH - 8) && (y < 6 || y >= HEIGHT - 6)
      ? [(x * 37) % 256, (x * 37) % 256, (x * 37) % 256] : [0, 0, 0]);
    assert.equal(looksLikeAnImage(describeViewport(encodePng(corners))), false);
  });

  test('a flat grey viewport is not an image', () => {
    assert.equal(looksLikeAnImage(describeViewport(encodePng(() => [128, 128, 128]))), false);
  });

  test('a coloured viewport (UI, not a CT slice) is not an image', () => {
    assert.equal(looksLikeAnImage(describeViewport(encodePng((x, y) => [x * 4, 40, y * 5]))), false);
  });
});
