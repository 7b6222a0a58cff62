// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Protocol/RequestValidation.h"

#include <gtest/gtest.h>

using namespace OrthancCors;

namespace
{
  const HttpHeaders HOST = {{"Host", "gateway.example:8043"}};

  HttpHeaders With(HttpHeaders headers, const HttpHeaders& more)
  {
    headers.insert(headers.end(), more.begin(), more.end());
    return headers;
  }

  int StatusOf(std::string_view method, std::string_view target, unsigned int version, const HttpHeaders& headers)
  {
    const auto rejection = ValidateRequest(method, target, version, ViewFields(headers));
    return rejection ? rejection->status : 0;
  }
}


TEST(RequestValidation, OrdinaryRequestIsAccepted)
{
  EXPECT_EQ(0, StatusOf("GET", "/dicom-web/studies?PatientID=1", 11, HOST));
  EXPECT_EQ(0, StatusOf("POST", "/dicom-web/studies", 11, With(HOST, {{"Content-Length", "12"}})));
  EXPECT_EQ(0, StatusOf("POST", "/instances", 11, With(HOST, {{"Transfer-Encoding", "chunked"}})));
  EXPECT_EQ(0, StatusOf("PUT", "/x", 11, With(HOST, {{"Expect", "100-Continue"}, {"Content-Length", "1"}})));
}


TEST(RequestValidation, ConnectIsRefusedWith405AndAllow)
{
  const auto rejection = ValidateRequest("CONNECT", "orthanc.example:443", 11, ViewFields(HOST));
  ASSERT_TRUE(rejection);
  EXPECT_EQ(405, rejection->status);
  EXPECT_FALSE(GetAll(rejection->headers, "Allow").empty());
}


TEST(RequestValidation, AbsoluteFormTargetIsRefused)
{
  EXPECT_EQ(400, StatusOf("GET", "http://evil.example/dicom-web/studies", 11, HOST));
}


TEST(RequestValidation, AuthorityAndAsteriskFormsAreRefused)
{
  EXPECT_EQ(400, StatusOf("GET", "evil.example:80", 11, HOST));
  EXPECT_EQ(400, StatusOf("OPTIONS", "*", 11, HOST));
}


TEST(RequestValidation, UnsupportedHttpVersionIsRefusedWith505)
{
  EXPECT_EQ(505, StatusOf("GET", "/", 9, HOST));
  EXPECT_EQ(505, StatusOf("GET", "/", 20, HOST));
}


TEST(RequestValidation, Http11WithoutHostIsRefused)
{
  EXPECT_EQ(400, StatusOf("GET", "/", 11, {}));
}


TEST(RequestValidation, Http10WithoutHostIsAccepted)
{
  EXPECT_EQ(0, StatusOf("GET", "/", 10, {}));
}


TEST(RequestValidation, SeveralHostFieldsAreRefused)
{
  EXPECT_EQ(400, StatusOf("GET", "/", 11, {{"Host", "a.example"}, {"Host", "a.example"}}));
}


TEST(RequestValidation, HostThatIsNotHostAndPortIsRefused)
{
  for (const char* host : {"a.example/path", "a.example:80x", "user@a.example", "a.example:", "[::1", "a b",
                           "a.example;proto=https", "\"a\"", "a.example:123456",
                           "a.example:0", "a.example:65536", "a.example:99999"})
  {
    EXPECT_EQ(400, StatusOf("GET", "/", 11, {{"Host", host}})) << host;
  }
}


TEST(RequestValidation, HostForms)
{
  for (const char* host : {"localhost", "localhost:8043", "192.0.2.1:80", "[::1]:8043", "[2001:db8::1]", "a-b.c_d~e"})
  {
    EXPECT_TRUE(IsValidHostField(host)) << host;
  }
}


TEST(RequestValidation, ContentLengthWithTransferEncodingIsRefused)
{
  EXPECT_EQ(400, StatusOf("POST", "/", 11, With(HOST, {{"Content-Length", "5"}, {"Transfer-Encoding", "chunked"}})));
  EXPECT_EQ(400, StatusOf("POST", "/", 11, With(HOST, {{"Transfer-Encoding", "chunked"}, {"Content-Length", "5"}})));
}


TEST(RequestValidation, DifferingContentLengthsAreRefused)
{
  EXPECT_EQ(400, StatusOf("POST", "/", 11, With(HOST, {{"Content-Length", "5"}, {"Content-Length", "6"}})));
  EXPECT_EQ(400, StatusOf("POST", "/", 11, With(HOST, {{"Content-Length", "5, 6"}})));
}


TEST(RequestValidation, RepeatedIdenticalContentLengthIsTolerated)
{
  EXPECT_EQ(0, StatusOf("POST", "/", 11, With(HOST, {{"Content-Length", "5"}, {"Content-Length", "5"}})));
  EXPECT_EQ(0, StatusOf("POST", "/", 11, With(HOST, {{"Content-Length", "5, 5"}})));
}


TEST(RequestValidation, ContentLengthThatIsNotANumberIsRefused)
{
  for (const char* length : {"-1", "+5", "0x10", "", "5 5", "99999999999999999999999"})
  {
    EXPECT_EQ(400, StatusOf("POST", "/", 11, With(HOST, {{"Content-Length", length}}))) << length;
  }
}


TEST(RequestValidation, TransferCodingOtherThanChunkedIsNotImplemented)
{
  EXPECT_EQ(501, StatusOf("POST", "/", 11, With(HOST, {{"Transfer-Encoding", "gzip"}})));
  EXPECT_EQ(501, StatusOf("POST", "/", 11, With(HOST, {{"Transfer-Encoding", "gzip, chunked"}})));
  EXPECT_EQ(501, StatusOf("POST", "/", 11, With(HOST, {{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}})));
}


TEST(RequestValidation, TransferEncodingInHttp10IsRefused)
{
  EXPECT_EQ(400, StatusOf("POST", "/", 10, With(HOST, {{"Transfer-Encoding", "chunked"}})));
}


TEST(RequestValidation, UnknownExpectationIsRefusedWith417)
{
  EXPECT_EQ(417, StatusOf("PUT", "/", 11, With(HOST, {{"Expect", "200-ok"}})));
}
