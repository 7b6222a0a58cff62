// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"

namespace OrthancCors
{
  TEST(Configuration, WrongTypeIsRefusedNamingKeyAndExpectedType)
  {
    EXPECT_EQ("Cors.AllowCredentials: expected a boolean (true or false), got a string",
              ErrorMessage(WithCors(R"({ "AllowCredentials": "true" })")));
    EXPECT_TRUE(CorsIsRefused(R"({ "MaxAge": "600" })", "Cors.MaxAge", "expected an integer between 0 and 86400, got a string"));
    EXPECT_TRUE(CorsIsRefused(R"({ "ResourcePolicy": 1 })", "Cors.ResourcePolicy", "expected a string, got an integer"));
    EXPECT_TRUE(CorsIsRefused(R"({ "RejectForeignOrigins": 0 })", "Cors.RejectForeignOrigins", "expected a boolean"));
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowCache": "no" })", "Cors.AllowCache", "expected a boolean"));
    EXPECT_TRUE(CorsIsRefused(R"({ "GenerateETag": [] })", "Cors.GenerateETag", "expected a boolean"));
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowPrivateNetwork": {} })", "Cors.AllowPrivateNetwork", "got an object"));
  }

  TEST(Configuration, NullIsAWrongTypeNotADefault)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "MaxAge": null })", "Cors.MaxAge", "got null"));
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedOrigins": null })", "Cors.AllowedOrigins", "got null"));
  }

  TEST(Configuration, ListGivenAsSingleStringIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedOrigins": "http://localhost:3000" })", "Cors.AllowedOrigins",
                              "expected an array of strings, got a string"));
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedHeaders": "Authorization" })", "Cors.AllowedHeaders",
                              "expected an array of strings"));
  }

  TEST(Configuration, NonStringListElementIsRefusedNamingItsIndex)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "AllowedMethods": [ "GET", 5 ] })", "Cors.AllowedMethods[1]",
                              "expected a string, got an integer"));
    EXPECT_TRUE(CorsIsRefused(R"({ "ExposedHeaders": [ "ETag", [ "Location" ] ] })", "Cors.ExposedHeaders[1]",
                              "got an array"));
  }

  TEST(Configuration, DecimalNumberIsRefusedWhereAnIntegerIsExpected)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "MaxAge": 600.5 })", "Cors.MaxAge", "got a decimal number"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "Port": 8043.0 } })", "Cors.Gateway.Port", "got a decimal number"));
  }

  TEST(Configuration, SubSectionThatIsNotAnObjectIsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": true })", "Cors.Gateway", "expected an object, got a boolean"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Folders": [] })", "Cors.Folders", "expected an object, got an array"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Extensions": ".wasm" })", "Cors.Extensions", "expected an object"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Routes": "/wado" })", "Cors.Routes", "expected an array"));
  }
}
