// SPDX-License-Identifier: AGPL-3.0-or-later

'use strict';
// A minimal PNG decoder for Chromium's screenshots (8-bit greyscale, RGB or RGBA,
// not interlaced): enough to look at the pixels a test has captured, with Node's
// zlib only, since nothing but playwright-core is installed for the suite.

const zlib = require('node:zlib');

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS_BY_COLOUR_TYPE = { 0: 1, 2: 3, 4: 2, 6: 4 };

function readChunks(buffer) {
  if (buffer.length < SIGNATURE.length || !buffer.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
    throw new Error('not a PNG file');
  }
  const chunks = [];
  let offset = SIGNATURE.length;
  while (offset + 8 <= buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    chunks.push({ type, data: buffer.subarray(offset + 8, offset + 8 + length) });
    offset += 12 + length;   // length, type, data, CRC
    if (type === 'IEND') {
      break;
    }
  }
  return chunks;
}

function paeth(left, up, upLeft) {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) {
    return left;
  }
  return toUp <= toUpLeft ? up : upLeft;
}

// Undoes the per-scanline filters (PNG specification, section 9) in place.
function unfilter(raw, width, height, bytesPerPixel) {
  const stride = width * bytesPerPixel;
  const pixels = Buffer.alloc(stride * height);
  for (let row = 0; row < height; row++) {
    const filter = raw[row * (stride + 1)];
    const source = row * (stride + 1) + 1;
    const target = row * stride;
    for (let i = 0; i < stride; i++) {
      const value = raw[source + i];
      const left = i >= bytesPerPixel ? pixels[target + i - bytesPerPixel] : 0;
      const up = row > 0 ? pixels[target - stride + i] : 0;
      const upLeft = row > 0 && i >= bytesPerPixel ? pixels[target - stride + i - bytesPerPixel] : 0;
      let predicted;
      switch (filter) {
        case 0: predicted = 0; break;
        case 1: predicted = left; break;
        case 2: predicted = up; break;
        case 3: predicted = (left + up) >> 1; break;
        case 4: predicted = paeth(left, up, upLeft); break;
        default: throw new Error(`unknown PNG filter type ${filter} on row ${row}`);
      }
      pixels[target + i] = (value + predicted) & 0xff;
    }
  }
  return pixels;
}

// Returns { width, height, rgba } where rgba holds 4 bytes a pixel.
function decodePng(buffer) {
  const chunks = readChunks(buffer);
  const header = chunks.find((chunk) => chunk.type === 'IHDR');
  if (!header) {
    throw new Error('PNG without IHDR');
  }
  const width = header.data.readUInt32BE(0);
  const height = header.data.readUInt32BE(4);
  const bitDepth = header.data[8];
  const colourType = header.data[9];
  const interlace = header.data[12];
  const channels = CHANNELS_BY_COLOUR_TYPE[colourType];
  if (bitDepth !== 8 || !channels || interlace !== 0) {
    throw new Error(`unsupported PNG: bit depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}`);
  }
  const compressed = Buffer.concat(chunks.filter((chunk) => chunk.type === 'IDAT').map((chunk) => chunk.data));
  const pixels = unfilter(zlib.inflateSync(compressed), width, height, channels);
  const rgba = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const s = p * channels;
    const grey = channels <= 2;
    rgba[p * 4] = pixels[s];
    rgba[p * 4 + 1] = grey ? pixels[s] : pixels[s + 1];
    rgba[p * 4 + 2] = grey ? pixels[s] : pixels[s + 2];
    rgba[p * 4 + 3] = channels === 4 ? pixels[s + 3] : channels === 2 ? pixels[s + 1] : 255;
  }
  return { width, height, rgba };
}

module.exports = { decodePng };
