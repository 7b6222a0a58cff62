// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Folders/CachePolicy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <vector>

namespace OrthancCors
{
  namespace
  {
    const char* const IMMUTABLE = "public, max-age=31536000, immutable";

    bool IsImmutableByDefault(const std::string& fileName)
    {
      return ImmutableNamePattern::GetDefault().Matches(fileName);
    }

    // The listing sits beside this file: the published OHIF build's files, one a line.
    std::vector<std::string> ReadOhifDistributionFiles()
    {
      const std::filesystem::path path = std::filesystem::path(__FILE__).parent_path() / "ohif-3.13.2-dist-files.txt";
      std::ifstream listing(path);
      if (!listing)
      {
        throw std::runtime_error("cannot read " + path.string());
      }
      std::vector<std::string> files;
      for (std::string line; std::getline(listing, line);)
      {
        if (!line.empty() && line.front() != '#')
        {
          files.push_back(line);
        }
      }
      return files;
    }

    // OHIF's webpack configuration names its bundles "[name].bundle.[contenthash].js"
    // and its asset modules "[hash][ext]", both hashes of 16 hexadecimal characters.
    bool OhifBundlerHashedIt(const std::string& path)
    {
      static const std::regex hashed("(.*/)?([^/]+\\.bundle\\.[0-9a-f]{16}\\.js|[0-9a-f]{16}\\.[a-z0-9]+)");
      return std::regex_match(path, hashed);
    }
  }


  TEST(CachePolicy, HashesThatBundlersWriteAsANamePartOfTheirOwnAreImmutable)
  {
    for (const char* name : { "app.bundle.096daabbdde29bd851ab.js", "8123.bundle.0b1e5b5d4c4a3b2a1f0e.js",
                              "app.096daabbdde29bd851ab.bundle.js", "app.bundle.0f6159c501addfe9.js.map",
                              "index.worker.e62ecca63f1a2e124230.worker.js",
                              "0ddf166f7a343eda.wasm", "a34f9d1faa5f3315.woff2",
                              "main.3f2c1a9b.chunk.js", "787.a1b2c3d4.chunk.js", "main.3f2c1a9b.css",
                              "index.2f4a1b3c.js", "vendor-5f3a9c1b.js", "chunk-5f3a9c1b.js",
                              "logo.6ce24c58023cc2f8fd88fe9d219db6c6.svg",
                              "index-BGx6Y3kQ.js", "vendor-C-9pYwnL.js", "react-dom-Dz_4qT1x.js",
                              "assets/index-Dwr3gT1a.css" })
    {
      EXPECT_TRUE(IsImmutableByDefault(name)) << name;
    }
  }


  TEST(CachePolicy, DatedAndNumberedNamesAreNotImmutable)
  {
    for (const char* name : { "report-20240101a.pdf", "export-20240115b.json", "report-2024010a.pdf",
                              "report-20240101.pdf", "invoice-0001234b.pdf", "scan-2024abcd.png",
                              "sales-2024Q1v2.xlsx", "series-12345678.dcm", "study-1.2.840.113619.2.55.dcm" })
    {
      EXPECT_FALSE(IsImmutableByDefault(name)) << name;
    }
  }


  TEST(CachePolicy, BareHexadecimalNamesShorterThanAWebpackHashAreNotImmutable)
  {
    for (const char* name : { "cafe1234.js", "cafe1234.png", "deadbeef.js", "12345678.js", "decade.js", "facade" })
    {
      EXPECT_FALSE(IsImmutableByDefault(name)) << name;
    }
  }


  TEST(CachePolicy, PagesAreNeverImmutable)
  {
    for (const char* name : { "cafe1234.html", "index.html", "index.0f6159c501addfe9.html", "page-BGx6Y3kQ.HTM" })
    {
      EXPECT_FALSE(IsImmutableByDefault(name)) << name;
      EXPECT_FALSE(ImmutableNamePattern::Parse(".*").Matches(name)) << name;
    }
  }


  TEST(CachePolicy, OrdinaryNamesAreNotImmutable)
  {
    for (const char* name : { "app-config.js", "app.bundle.css", "1602.css", "manifest.json", "sw.js",
                              "serviceWorker.js", "init-service-worker.js", "index.worker.min.worker.js",
                              "apple-touch-icon-1024x1024.png", "android-chrome-144x144.png",
                              "openjpegwasm_decode.wasm", "dicomMicroscopyViewer.min.js",
                              "CT-Coronary-Arteries-2.png", "CT-Chest-Contrast-Enhanced.png",
                              "ort-wasm-simd-threaded.jsep.wasm", "cornerstoneWADOImageLoader2.min.js",
                              "main_7e2d4c1a.css", "main.Xk3_b9QzR2mWv8Lp.js", "icon-Overview.svg",
                              "CT-Cardiac2.png", "MR-T2-Brain.png", "icon-Mp3Files.svg" })
    {
      EXPECT_FALSE(IsImmutableByDefault(name)) << name;
    }
  }


  TEST(CachePolicy, OnlyTheFileNameIsExamined)
  {
    EXPECT_FALSE(IsImmutableByDefault("0ddf166f7a343eda/app-config.js"));
    EXPECT_TRUE(IsImmutableByDefault("static/js/main.3f2c1a9b.chunk.js"));
  }


  TEST(CachePolicy, InThePublishedOhifBuildExactlyTheBundlerHashedNamesAreImmutable)
  {
    const std::vector<std::string> files = ReadOhifDistributionFiles();
    ASSERT_GT(files.size(), 200u);
    size_t hashed = 0;
    for (const std::string& file : files)
    {
      EXPECT_EQ(OhifBundlerHashedIt(file), IsImmutableByDefault(file)) << file;
      hashed += OhifBundlerHashedIt(file) ? 1 : 0;
    }
    EXPECT_GT(hashed, 50u);

    // The names that stay across OHIF builds are in the listing, and revalidated.
    for (const char* kept : { "index.html", "app-config.js", "manifest.json", "sw.js", "init-service-worker.js",
                              "app.bundle.css", "silent-refresh.html", "assets/manifest.webapp" })
    {
      EXPECT_NE(files.end(), std::find(files.begin(), files.end(), kept)) << kept;
      EXPECT_FALSE(IsImmutableByDefault(kept)) << kept;
    }
  }


  TEST(CachePolicy, AnOperatorPatternReplacesTheDefault)
  {
    const ImmutableNamePattern versioned = ImmutableNamePattern::Parse("[a-z]+-v[0-9]+\\.[0-9]+\\.[0-9]+\\.js");
    EXPECT_TRUE(versioned.Matches("viewer-v3.13.2.js"));
    EXPECT_FALSE(versioned.Matches("app.bundle.0f6159c501addfe9.js"));
    EXPECT_FALSE(versioned.Matches("xviewer-v3.13.2.jsx"));   // the whole name, not a part of it
  }


  TEST(CachePolicy, TheEmptyPatternMakesNoNameImmutable)
  {
    const ImmutableNamePattern none = ImmutableNamePattern::Parse("");
    EXPECT_FALSE(none.Matches("app.bundle.0f6159c501addfe9.js"));
    EXPECT_EQ("no-cache", GetCacheControl("app.bundle.0f6159c501addfe9.js", none, true));
  }


  TEST(CachePolicy, InvalidPatternIsRefused)
  {
    EXPECT_THROW(ImmutableNamePattern::Parse("app.(bundle"), std::invalid_argument);
  }


  TEST(CachePolicy, PatternTooCostlyToDecideMakesTheNameRevalidated)
  {
    const ImmutableNamePattern backtracking = ImmutableNamePattern::Parse("(a*)*b");
    EXPECT_FALSE(backtracking.Matches(std::string(40, 'a') + ".js"));
  }


  TEST(CachePolicy, TheDefaultPatternParsesBackToItself)
  {
    const std::string text = ImmutableNamePattern::GetDefault().GetText();
    EXPECT_EQ(text, ImmutableNamePattern::Parse(text).GetText());
    EXPECT_TRUE(ImmutableNamePattern::Parse(text).Matches("index-BGx6Y3kQ.js"));
  }


  TEST(CachePolicy, HashedNamesAreImmutableForAYear)
  {
    EXPECT_EQ(IMMUTABLE, GetCacheControl("app.bundle.0f6159c501addfe9.js", ImmutableNamePattern::GetDefault(), true));
  }


  TEST(CachePolicy, IndexAndAppConfigAreAlwaysRevalidated)
  {
    EXPECT_EQ("no-cache", GetCacheControl("index.html", ImmutableNamePattern::GetDefault(), true));
    EXPECT_EQ("no-cache", GetCacheControl("ohif/app-config.js", ImmutableNamePattern::GetDefault(), true));
    EXPECT_EQ("no-cache", GetCacheControl("report-20240101a.pdf", ImmutableNamePattern::GetDefault(), true));
  }


  TEST(CachePolicy, AllowCacheOffForbidsStoringEvenHashedNames)
  {
    EXPECT_EQ("no-store", GetCacheControl("index.html", ImmutableNamePattern::GetDefault(), false));
    EXPECT_EQ("no-store", GetCacheControl("app.bundle.0f6159c501addfe9.js", ImmutableNamePattern::GetDefault(), false));
  }
}
