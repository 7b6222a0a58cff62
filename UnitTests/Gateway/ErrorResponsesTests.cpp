#include "Gateway/ErrorResponses.h"

#include <gtest/gtest.h>
#include <json/reader.h>
#include <json/value.h>

#include <memory>

using namespace OrthancCors;

namespace
{
  Json::Value Parse(const std::string& text)
  {
    Json::CharReaderBuilder builder;
    std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
    Json::Value value;
    std::string errors;
    EXPECT_TRUE(reader->parse(text.data(), text.data() + text.size(), &value, &errors)) << errors;
    return value;
  }
}


TEST(ErrorBody, IsJsonWithErrorAndDetails)
{
  const Json::Value body = Parse(BuildErrorBody(502, "cannot connect to Orthanc"));
  EXPECT_EQ("Bad Gateway", body["Error"].asString());
  EXPECT_EQ("cannot connect to Orthanc", body["Details"].asString());
}


TEST(ErrorBody, DetailsAreEscaped)
{
  const Json::Value body = Parse(BuildErrorBody(400, "quote \" backslash \\ newline \n"));
  EXPECT_EQ("quote \" backslash \\ newline \n", body["Details"].asString());
}


TEST(ErrorResponse, CarriesStatusAndJsonContentType)
{
  const LocalResponse response = MakeErrorResponse(504, "no answer");
  EXPECT_EQ(504, response.status);
  EXPECT_EQ("Gateway Timeout", Parse(response.body)["Error"].asString());
  ASSERT_EQ(1u, GetAll(response.headers, "Content-Type").size());
  EXPECT_EQ(0u, GetAll(response.headers, "Content-Type")[0].find("application/json"));
}
