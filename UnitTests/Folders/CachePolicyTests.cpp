#include "Folders/CachePolicy.h"

#include <gtest/gtest.h>

namespace OrthancCors
{
  TEST(CachePolicy, NamesCarryingAContentHashAreDetected)
  {
    for (const char* name : { "app.096daabbdde29bd851ab.bundle.js", "chunk-5f3a9c1b.js",
                              "0ddf166f7a343eda.wasm", "1602.bundle.94f12cceab7c2762.js",
                              "app.bundle.0f6159c501addfe9.js", "app.bundle.0f6159c501addfe9.js.map",
                              "main_7e2d4c1a.css", "assets/index.Xk3_b9QzR2mWv8Lp.js",
                              "a34f9d1faa5f3315.woff2", "index.aB3dE5fG7hJ9kL1m.js" })
    {
      EXPECT_TRUE(HasContentHashInName(name)) << name;
    }
  }


  TEST(CachePolicy, NamesWithoutAContentHashAreNotDetected)
  {
    for (const char* name : { "index.html", "app-config.js", "app.bundle.css", "1602.css",
                              "apple-touch-icon-1024x1024.png", "android-chrome-144x144.png",
                              "report-20240101.pdf", "openjpegwasm_decode.wasm", "dicomMicroscopyViewer.min.js",
                              "CT-Coronary-Arteries-2.png", "ort-wasm-simd-threaded.jsep.wasm",
                              "decade.js", "facade", "cornerstoneWADOImageLoader2.min.js", "deadbeef.js", "12345678.js", "sw.js" })
    {
      EXPECT_FALSE(HasContentHashInName(name)) << name;
    }
  }


  TEST(CachePolicy, OnlyTheFileNameIsExamined)
  {
    EXPECT_FALSE(HasContentHashInName("0ddf166f7a343eda/index.html"));
  }


  TEST(CachePolicy, HashedNamesAreImmutableForAYear)
  {
    EXPECT_EQ("public, max-age=31536000, immutable", GetCacheControl("app.096daabbdde29bd851ab.bundle.js", true));
  }


  TEST(CachePolicy, IndexAndAppConfigAreAlwaysRevalidated)
  {
    EXPECT_EQ("no-cache", GetCacheControl("index.html", true));
    EXPECT_EQ("no-cache", GetCacheControl("ohif/app-config.js", true));
  }


  TEST(CachePolicy, OtherNamesWithoutHashAreRevalidated)
  {
    EXPECT_EQ("no-cache", GetCacheControl("app.bundle.css", true));
  }


  TEST(CachePolicy, AllowCacheOffForbidsStoringEvenHashedNames)
  {
    EXPECT_EQ("no-store", GetCacheControl("index.html", false));
    EXPECT_EQ("no-store", GetCacheControl("app.096daabbdde29bd851ab.bundle.js", false));
  }
}
