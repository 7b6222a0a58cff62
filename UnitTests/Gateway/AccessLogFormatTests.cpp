// SPDX-License-Identifier: AGPL-3.0-or-later

#include "../../Plugin/Gateway/AccessLogFormat.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <utility>
#include <vector>

using namespace OrthancCors;

namespace
{
  // 2026-12-02 08:13:46 UTC.
  std::chrono::system_clock::time_point SomeTime()
  {
    return std::chrono::system_clock::from_time_t(1796199226);
  }

  // The tests format times in UTC, whatever the machine's zone.
  class UtcZone : public ::testing::Test
  {
  protected:
    void SetUp() override
    {
      const char* zone = std::getenv("TZ");
      saved_ = zone ? zone : "";
      hadZone_ = zone != nullptr;
      ::setenv("TZ", "UTC", 1);
      ::tzset();
    }

    void TearDown() override
    {
      if (hadZone_)
      {
        ::setenv("TZ", saved_.c_str(), 1);
      }
      else
      {
        ::unsetenv("TZ");
      }
      ::tzset();
    }

  private:
    std::string saved_;
    bool hadZone_ = false;
  };
}


TEST_F(UtcZone, LineIsNginxCombinedThenRequestTimeThenCorsOutcome)
{
  AccessRecord record;
  record.clientAddress = "192.0.2.7";
  record.began = SomeTime();
  record.elapsed = std::chrono::microseconds(3456);
  record.requestLine = "GET /dicom-web/studies?limit=10 HTTP/1.1";
  record.status = 200;
  record.bodyBytesSent = 1234;
  record.referer = "https://viewer.example/viewer?StudyInstanceUIDs=1.2.3";
  record.userAgent = "Mozilla/5.0 (X11; Linux x86_64)";
  record.outcome = CorsOutcome::OriginAllowed;
  EXPECT_EQ("192.0.2.7 - - [02/Dec/2026:08:13:46 +0000] \"GET /dicom-web/studies?limit=10 HTTP/1.1\" 200 1234 "
            "\"https://viewer.example/viewer?StudyInstanceUIDs=1.2.3\" \"Mozilla/5.0 (X11; Linux x86_64)\" 0.003 cors-ok\n",
            FormatAccessLogLine(record));
}


TEST_F(UtcZone, MissingFieldsAreDashesAndNothingAnsweredIs499)
{
  AccessRecord record;
  record.began = SomeTime();
  record.elapsed = std::chrono::milliseconds(12345);
  EXPECT_EQ("- - - [02/Dec/2026:08:13:46 +0000] \"-\" 499 0 \"-\" \"-\" 12.345 -\n", FormatAccessLogLine(record));
}


TEST_F(UtcZone, LocalTimeCarriesItsOffset)
{
  // POSIX zone rules, which need no tzdata. (The text is cached per second and
  // thread: each zone gets a second of its own.)
  ::setenv("TZ", "CET-1", 1);
  ::tzset();
  EXPECT_EQ("02/Dec/2026:09:13:48 +0100", FormatLogTime(SomeTime() + std::chrono::seconds(2)));
  ::setenv("TZ", "EST5", 1);
  ::tzset();
  EXPECT_EQ("02/Dec/2026:03:13:49 -0500", FormatLogTime(SomeTime() + std::chrono::seconds(3)));
  ::setenv("TZ", "IST-5:30", 1);
  ::tzset();
  EXPECT_EQ("02/Dec/2026:13:43:50 +0530", FormatLogTime(SomeTime() + std::chrono::seconds(4)));
}


TEST(AccessLogFormat, EveryOutcomeHasItsName)
{
  EXPECT_EQ("-", ToString(CorsOutcome::None));
  EXPECT_EQ("preflight-ok", ToString(CorsOutcome::PreflightAllowed));
  EXPECT_EQ("preflight-refused:origin", ToString(CorsOutcome::PreflightRefusedOrigin));
  EXPECT_EQ("preflight-refused:method", ToString(CorsOutcome::PreflightRefusedMethod));
  EXPECT_EQ("preflight-refused:header", ToString(CorsOutcome::PreflightRefusedHeader));
  EXPECT_EQ("preflight-refused:route", ToString(CorsOutcome::PreflightRefusedRoute));
  EXPECT_EQ("preflight-refused:private-network", ToString(CorsOutcome::PreflightRefusedPrivateNetwork));
  EXPECT_EQ("cors-ok", ToString(CorsOutcome::OriginAllowed));
  EXPECT_EQ("no-origin", ToString(CorsOutcome::NoOrigin));
  EXPECT_EQ("origin-refused", ToString(CorsOutcome::OriginRefused));
  EXPECT_EQ("not-exposed", ToString(CorsOutcome::NotExposed));
  EXPECT_EQ("host-refused", ToString(CorsOutcome::HostRefused));
}


TEST(AccessLogFormat, TokensInTheQueryAreMasked)
{
  EXPECT_EQ("/wado?access_token=***&StudyInstanceUID=1.2", MaskSecretParameters("/wado?access_token=eyJhbGci&StudyInstanceUID=1.2"));
  EXPECT_EQ("/a?TOKEN=***", MaskSecretParameters("/a?TOKEN=secret"));
  EXPECT_EQ("/a?jwt=***&x=1&id_token=***", MaskSecretParameters("/a?jwt=a.b.c&x=1&id_token=q"));
  EXPECT_EQ("/a?auth=***&key=***&apiKey=***&X-Amz-Signature=***&password=***",
            MaskSecretParameters("/a?auth=1&key=2&apiKey=3&X-Amz-Signature=4&password=5"));
  // Percent-encoded names are decoded before they are judged.
  EXPECT_EQ("/a?access%5Ftoken=***", MaskSecretParameters("/a?access%5Ftoken=abc"));
  // Names that merely resemble stay, as do values without names and the path.
  EXPECT_EQ("/token/abc?keyword=x&monkey=y&=z&flag", MaskSecretParameters("/token/abc?keyword=x&monkey=y&=z&flag"));
  EXPECT_EQ("/plain", MaskSecretParameters("/plain"));
  EXPECT_EQ("/a?x=1;token=***;y=2", MaskSecretParameters("/a?x=1;token=abc;y=2"));
  EXPECT_EQ("/a?AWSAccessKeyId=***&aws_access_key=***&private_key=***&keyboard=q",
            MaskSecretParameters("/a?AWSAccessKeyId=AK&aws_access_key=k&private_key=p&keyboard=q"));
  EXPECT_EQ("/a?", MaskSecretParameters("/a?"));
}


TEST(AccessLogFormat, HashQuestionMarkAndBlanksSeparateParametersAfterTheFirstQuestionMark)
{
  // Orthanc reads "?limit=1#&token=t" as limit ("1#") and token: the token is live.
  EXPECT_EQ("/dicom-web/studies?limit=1#&token=***", MaskSecretParameters("/dicom-web/studies?limit=1#&token=t"));
  EXPECT_EQ("/a?token=***#frag?token=***", MaskSecretParameters("/a?token=x#frag?token=1"));
  EXPECT_EQ("/a?next=/b?token=***", MaskSecretParameters("/a?next=/b?token=x"));
  EXPECT_EQ("/a?x=1 token=***", MaskSecretParameters("/a?x=1 token=x"));
}

TEST(AccessLogFormat, ParametersBeginAtAHashWithoutQuestionMark)
{
  // Where the TargetPath ends: "#access_token=" is where OAuth puts a token.
  EXPECT_EQ("/a#access_token=***&expires_in=3600", MaskSecretParameters("/a#access_token=x&expires_in=3600"));
  EXPECT_EQ("/tools/x#?token=***", MaskSecretParameters("/tools/x#?token=x"));
  EXPECT_EQ("/a#frag", MaskSecretParameters("/a#frag"));
}

TEST(AccessLogFormat, SecretValueRunsOverBlanksToTheNextSeparator)
{
  EXPECT_EQ("/a?password=***&b=2", MaskSecretParameters("/a?password=two words&b=2"));
}

TEST_F(UtcZone, MalformedRequestLinesAreMaskedAsReceived)
{
  AccessRecord record;
  record.began = SomeTime();
  record.status = 505;
  const std::vector<std::pair<std::string, std::string>> lines = {
    { "GET /a b?token=SEKRET HTTP/1.1", "GET /a b?token=*** HTTP/1.1" },
    { "GET /dicom-web/studies?limit=1 token=SEKRET HTTP/1.1", "GET /dicom-web/studies?limit=1 token=*** HTTP/1.1" },
    { "GET /a?token=SEKRET", "GET /a?token=***" },
    { "GET /a?password=SEKRET SEKRET HTTP/1.1", "GET /a?password=*** HTTP/1.1" },
    { "GET /a#&token=SEKRET HTTP/1.1", "GET /a#&token=*** HTTP/1.1" },
    { "/a?token=SEKRET", "/a?token=***" },
  };
  for (const auto& [received, logged] : lines)
  {
    record.requestLine = received;
    const std::string line = FormatAccessLogLine(record);
    EXPECT_EQ(std::string::npos, line.find("SEKRET")) << line;
    EXPECT_NE(std::string::npos, line.find("\"" + logged + "\"")) << line;
  }
}

TEST_F(UtcZone, TokenAfterAHashIsMaskedInTheRequestLineAndTheReferer)
{
  AccessRecord record;
  record.began = SomeTime();
  record.requestLine = "GET /dicom-web/studies?limit=1#&token=SEKRET HTTP/1.1";
  record.referer = "https://viewer.example/#access_token=SEKRET";
  record.status = 200;
  const std::string line = FormatAccessLogLine(record);
  EXPECT_EQ(std::string::npos, line.find("SEKRET")) << line;
  EXPECT_NE(std::string::npos, line.find("\"GET /dicom-web/studies?limit=1#&token=*** HTTP/1.1\"")) << line;
  EXPECT_NE(std::string::npos, line.find("\"https://viewer.example/#access_token=***\"")) << line;
}


TEST_F(UtcZone, TokensAreMaskedInTheRequestLineAndTheReferer)
{
  AccessRecord record;
  record.began = SomeTime();
  record.requestLine = "GET /dicom-web/studies?token=s3cr3t HTTP/1.1";
  record.referer = "https://viewer.example/?access_token=s3cr3t";
  record.status = 200;
  const std::string line = FormatAccessLogLine(record);
  EXPECT_EQ(std::string::npos, line.find("s3cr3t")) << line;
  EXPECT_NE(std::string::npos, line.find("\"GET /dicom-web/studies?token=*** HTTP/1.1\"")) << line;
  EXPECT_NE(std::string::npos, line.find("\"https://viewer.example/?access_token=***\"")) << line;
}


TEST_F(UtcZone, QuotesBackslashesAndControlBytesAreEscapedAsNginxDoes)
{
  AccessRecord record;
  record.began = SomeTime();
  record.status = 400;
  record.userAgent = std::string("a\"b\\c\x01\n\xc3\xa9", 9);
  record.requestLine = "GET /\"x HTTP/1.1";
  const std::string line = FormatAccessLogLine(record);
  EXPECT_NE(std::string::npos, line.find("\"a\\x22b\\x5Cc\\x01\\x0A\\xC3\\xA9\"")) << line;
  EXPECT_NE(std::string::npos, line.find("\"GET /\\x22x HTTP/1.1\"")) << line;
  EXPECT_EQ(1u, std::count(line.begin(), line.end(), '\n'));   // one line, whatever the client sent
}
