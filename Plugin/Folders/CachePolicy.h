#pragma once

#include <string>
#include <string_view>

namespace OrthancCors
{
  // Whether a file name carries a content hash, i.e. a new build gives the file a
  // new name, so browsers may keep it for a year without asking again. Detected:
  //   - a part of 8 or more hexadecimal characters, with at least one digit and one
  //     letter, between '.', '-' or '_' ("app.096daabbdde29bd851ab.bundle.js",
  //     "chunk-5f3a9c1b.js", "0ddf166f7a343eda.wasm");
  //   - a dot-separated part of 16 or more characters of [A-Za-z0-9_-] mixing
  //     digits, upper- and lower-case letters as randomly as a base64url hash does
  //     (changing character class at least every third character on average:
  //     "main.Xk3_b9QzR2mWv8Lp.js", not "CT-Coronary-Arteries-2.png").
  // Conservative on purpose: taking a name for hashed when it is not would leave
  // browsers with a stale file for a year ("apple-touch-icon-1024x1024.png",
  // "1602.css", "report-20240101.pdf" are not hashed); missing a hash only costs a
  // revalidation.
  bool HasContentHashInName(std::string_view fileName);

  // The Cache-Control value for a served file (a name or a path):
  //   - "no-store" when `allowCache` is false;
  //   - "public, max-age=31536000, immutable" for a content-hashed name;
  //   - "no-cache" (always revalidate, with the ETag) for everything else, notably
  //     index.html and app-config.js, which keep their names across builds.
  std::string GetCacheControl(std::string_view fileName, bool allowCache);
}
