// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Common/TargetPath.h"

#include <gtest/gtest.h>

namespace OrthancCors
{
  namespace
  {
    TEST(TargetPath, PathEndsAtTheFirstQuestionMarkOrHash)
    {
      EXPECT_EQ("/dicom-web/studies", TargetPath("/dicom-web/studies?limit=1#&token=x"));
      EXPECT_EQ("/instances", TargetPath("/instances#/dicom-web/"));
      EXPECT_EQ("/tools/x", TargetPath("/tools/x#?"));
      EXPECT_EQ("/a", TargetPath("/a?b#c"));
      EXPECT_EQ("/plain/", TargetPath("/plain/"));
      EXPECT_EQ("", TargetPath("?x=1"));
    }

    TEST(EncodeDecodedPath, HashQuestionMarkAndPercentOfADecodedPathStayInItsTargetPath)
    {
      // What Orthanc routes for "/instances%23/dicom-web/", "/a%3Fb", "/a/%252E%252E/b".
      EXPECT_EQ("/instances%23/dicom-web/", EncodeDecodedPath("/instances#/dicom-web/"));
      EXPECT_EQ("/a%3Fb", EncodeDecodedPath("/a?b"));
      EXPECT_EQ("/a/%252E%252E/b", EncodeDecodedPath("/a/%2E%2E/b"));
      for (const char* path : { "/instances#/dicom-web/", "/tools/x#?", "/a?b", "/a/%2E%2E/b" })
      {
        const std::string target = EncodeDecodedPath(path);
        EXPECT_EQ(target, TargetPath(target)) << path;
      }
    }

    TEST(EncodeDecodedPath, SpacesControlAndNonAsciiBytesAreEncodedOthersKept)
    {
      EXPECT_EQ("/a%20b/%C3%A9%0A%7F", EncodeDecodedPath("/a b/\xc3\xa9\n\x7f"));
      EXPECT_EQ("/dicom-web/studies/1.2.3;x=y&z", EncodeDecodedPath("/dicom-web/studies/1.2.3;x=y&z"));
    }
  }
}
