// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <boost/regex.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace OrthancCors
{
  // The file names that a build gives a content hash of their own, so that a new
  // build gives the file a new name and browsers may keep it for a year without
  // asking again: a Boost.Regex matched against the whole file name (the last path
  // segment). Never a page (".html", ".htm"): its URL is the one users open, so a
  // new build must replace it under the same name. Immutable; cheap to copy.
  class ImmutableNamePattern
  {
  public:
    // The default: a name part of its own, after a name and '.' or '-' and before the
    // extensions, that a bundler writes as a hash:
    //   - 16 to 64 lower-case hexadecimal characters with a digit and a letter, also as
    //     the whole name (webpack "app.bundle.0f6159c501addfe9.js", "0ddf166f7a343eda.wasm");
    //   - 8 of them with two digits and two letters (Create React App's
    //     "main.3f2c1a9b.chunk.js", Parcel's "index.2f4a1b3c.js", "index-4f8d2b1a.js");
    //   - after '-', 8 base64url characters with an upper-case letter, a lower-case
    //     letter and a digit, but no four lower-case letters in a row (Rollup and
    //     Vite: "index-BGx6Y3kQ.js"; not "CT-Cardiac2.png");
    // and never starting with a year (19xx, 20xx). So a dated or numbered name
    // ("report-20240101a.pdf", "invoice-0001234b.pdf") and a bare hexadecimal name
    // ("cafe1234.js") are not hashed: taking a name for hashed when it is not leaves
    // browsers with a stale file for a year, missing a hash only costs a revalidation.
    static const ImmutableNamePattern& GetDefault();

    // Throws std::invalid_argument for an expression Boost.Regex refuses. The empty
    // expression matches no file name.
    static ImmutableNamePattern Parse(const std::string& expression);

    const std::string& GetText() const { return text_; }

    // `fileName` may be a path: only its last segment is examined.
    bool Matches(std::string_view fileName) const;

  private:
    ImmutableNamePattern(std::string text, std::shared_ptr<const boost::regex> regex);

    std::string text_;
    std::shared_ptr<const boost::regex> regex_;
  };

  // The Cache-Control value for a served file (a name or a path):
  //   - "no-store" when `allowCache` is false;
  //   - "public, max-age=31536000, immutable" for a name `immutableNames` matches;
  //   - "no-cache" (always revalidate, with the ETag) for everything else, notably
  //     index.html and app-config.js, which keep their names across builds.
  std::string GetCacheControl(std::string_view fileName, const ImmutableNamePattern& immutableNames,
                              bool allowCache);
}
