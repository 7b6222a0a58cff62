// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Protocol/ErrorResponses.h"

#include <gtest/gtest.h>
#include <json/json.h>

#include <sstream>

using namespace OrthancCors;

namespace
{
  Json::Value ParseJson(const std::string& text)
  {
    Json::Value value;
    std::istringstream stream(text);
    EXPECT_TRUE(Json::parseFromStream(Json::CharReaderBuilder(), stream, &value, nullptr)) << text;
    return value;
  }
}


TEST(ErrorBody, IsJsonWithErrorAndDetails)
{
  const Json::Value body = ParseJson(BuildErrorBody(502, "cannot connect to Orthanc"));
  EXPECT_EQ("Bad Gateway", body["Error"].asString());
  EXPECT_EQ("cannot connect to Orthanc", body["Details"].asString());
}


TEST(ErrorBody, DetailsAreEscaped)
{
  const Json::Value body = ParseJson(BuildErrorBody(400, "quote \" backslash \\ newline \n"));
  EXPECT_EQ("quote \" backslash \\ newline \n", body["Details"].asString());
}


TEST(ErrorResponse, CarriesStatusAndJsonContentType)
{
  const LocalResponse response = MakeErrorResponse(504, "no answer");
  EXPECT_EQ(504, response.status);
  EXPECT_EQ("Gateway Timeout", ParseJson(response.body)["Error"].asString());
  ASSERT_EQ(1u, GetAll(response.headers, "Content-Type").size());
  EXPECT_EQ(0u, GetAll(response.headers, "Content-Type")[0].find("application/json"));
}
