// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Folders/MimeTypes.h"

#include <gtest/gtest.h>

namespace OrthancCors
{
  TEST(MimeTypes, DefaultsCoverWhatViewerBuildsShip)
  {
    const MimeTypes types;
    EXPECT_EQ("text/html; charset=utf-8", types.GetContentType("index.html"));
    EXPECT_EQ("text/javascript; charset=utf-8", types.GetContentType("app.bundle.js"));
    EXPECT_EQ("text/javascript; charset=utf-8", types.GetContentType("module.mjs"));
    EXPECT_EQ("text/css; charset=utf-8", types.GetContentType("app.bundle.css"));
    EXPECT_EQ("application/json; charset=utf-8", types.GetContentType("manifest.json"));
    EXPECT_EQ("application/json; charset=utf-8", types.GetContentType("app.bundle.js.map"));
    EXPECT_EQ("application/wasm", types.GetContentType("0ddf166f7a343eda.wasm"));
    EXPECT_EQ("font/woff", types.GetContentType("font.woff"));
    EXPECT_EQ("font/woff2", types.GetContentType("a34f9d1faa5f3315.woff2"));
    EXPECT_EQ("font/ttf", types.GetContentType("font.ttf"));
    EXPECT_EQ("image/svg+xml; charset=utf-8", types.GetContentType("ohif-logo.svg"));
    EXPECT_EQ("image/png", types.GetContentType("CT-Bone.png"));
    EXPECT_EQ("image/jpeg", types.GetContentType("photo.jpg"));
    EXPECT_EQ("image/gif", types.GetContentType("anim.gif"));
    EXPECT_EQ("image/x-icon", types.GetContentType("favicon.ico"));
    EXPECT_EQ("image/webp", types.GetContentType("image.webp"));
    EXPECT_EQ("text/plain; charset=utf-8", types.GetContentType("robots.txt"));
    EXPECT_EQ("application/xml; charset=utf-8", types.GetContentType("browserconfig.xml"));
    EXPECT_EQ("application/pdf", types.GetContentType("report.pdf"));
    EXPECT_EQ("application/gzip", types.GetContentType("archive.gz"));
  }


  TEST(MimeTypes, ExtensionIsComparedCaseInsensitively)
  {
    EXPECT_EQ("image/png", MimeTypes().GetContentType("IMAGE.PNG"));
  }


  TEST(MimeTypes, OnlyTheLastExtensionOfTheLastSegmentCounts)
  {
    const MimeTypes types;
    EXPECT_EQ("text/javascript; charset=utf-8", types.GetContentType("assets/app.min.js"));
    EXPECT_EQ("application/octet-stream", types.GetContentType("folder.html/README"));
  }


  TEST(MimeTypes, UnknownOrMissingExtensionIsOctetStream)
  {
    const MimeTypes types;
    EXPECT_EQ("application/octet-stream", types.GetContentType("data.xyz"));
    EXPECT_EQ("application/octet-stream", types.GetContentType("LICENSE"));
  }


  TEST(MimeTypes, ExtensionsSettingOverridesAndExtendsTheDefaults)
  {
    const MimeTypes types({ { ".JS", "application/x-custom" }, { ".dcm", "application/dicom+custom" },
                            { "jsonc", "application/jsonc" } });
    EXPECT_EQ("application/x-custom", types.GetContentType("app.js"));
    EXPECT_EQ("application/dicom+custom", types.GetContentType("image.dcm"));
    EXPECT_EQ("application/jsonc", types.GetContentType("ctPresets.jsonc"));
    EXPECT_EQ("text/css; charset=utf-8", types.GetContentType("app.css"));
  }
}
