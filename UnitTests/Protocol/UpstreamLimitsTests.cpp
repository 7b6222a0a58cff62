// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Protocol/UpstreamLimits.h"

#include <gtest/gtest.h>

using namespace OrthancCors;

namespace
{
  HttpHeaders Fields(std::size_t count, std::size_t valueSize = 1)
  {
    HttpHeaders headers;
    for (std::size_t i = 0; i < count; i++)
    {
      headers.push_back(HttpHeader{"X-" + std::to_string(i), std::string(valueSize, 'a')});
    }
    return headers;
  }
}


TEST(UpstreamLimits, HeadWithinOrthancsLimitsFits)
{
  EXPECT_FALSE(CheckOrthancHeadLimits("GET", "/system", Fields(ORTHANC_MAX_HEADER_FIELDS - 1)));
  EXPECT_FALSE(CheckOrthancHeadLimits("GET", "/system", Fields(1, 16000)));
}


TEST(UpstreamLimits, OneFieldIsLeftForTheFramingField)
{
  const auto excess = CheckOrthancHeadLimits("GET", "/system", Fields(ORTHANC_MAX_HEADER_FIELDS));
  ASSERT_TRUE(excess);
  EXPECT_NE(std::string::npos, excess->find("64"));
}


TEST(UpstreamLimits, HeadOverSixteenKibIsRefusedRequestLineIncluded)
{
  EXPECT_TRUE(CheckOrthancHeadLimits("GET", "/system", Fields(1, 16384)));
  EXPECT_TRUE(CheckOrthancHeadLimits("GET", "/" + std::string(16384, 'p'), Fields(1)));
  EXPECT_TRUE(CheckOrthancHeadLimits("GET", "/system", Fields(41, 400)));
}
