// SPDX-License-Identifier: AGPL-3.0-or-later

#include "TestGateway.h"
#include "TestTls.h"
#include "../../Plugin/Gateway/FileSignature.h"
#include "../../Plugin/Gateway/ServerTls.h"

#include <gtest/gtest.h>

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  // Far longer than a test: the tests call CheckFiles() themselves.
  constexpr std::chrono::milliseconds NEVER{3600 * 1000};

  // The certificate that `context` presents, compared with the one in `path`.
  bool Presents(const std::shared_ptr<boost::asio::ssl::context>& context, const std::string& path)
  {
    FILE* file = std::fopen(path.c_str(), "r");
    if (file == nullptr)
    {
      return false;
    }
    X509* expected = PEM_read_X509(file, nullptr, nullptr, nullptr);
    std::fclose(file);
    const bool same = expected != nullptr && X509_cmp(SSL_CTX_get0_certificate(context->native_handle()), expected) == 0;
    X509_free(expected);
    return same;
  }

  // Replaces a file the way certbot and Kubernetes do: a new file renamed over the old.
  void ReplaceFile(const std::string& source, const std::string& target)
  {
    std::filesystem::copy_file(source, target + ".new", std::filesystem::copy_options::overwrite_existing);
    std::filesystem::rename(target + ".new", target);
  }

  class ServerTlsRenewal : public ::testing::Test
  {
  protected:
    void SetUp() override
    {
      WriteSelfSignedCertificate(folder_.Path("old-cert.pem"), folder_.Path("old-key.pem"));
      WriteSelfSignedCertificate(folder_.Path("new-cert.pem"), folder_.Path("new-key.pem"));
      std::filesystem::copy_file(folder_.Path("old-cert.pem"), folder_.Path("cert.pem"));
      std::filesystem::copy_file(folder_.Path("old-key.pem"), folder_.Path("key.pem"));
      settings_.sslEnabled = true;
      settings_.sslCertificate = folder_.Path("cert.pem");
      settings_.sslPrivateKey = folder_.Path("key.pem");
    }

    TemporaryFolder folder_;
    GatewaySettings settings_;
    RecordingLogger logger_;
  };
}


TEST(ReloadSchedule, ActsOnAChangeOnceItHasStayedForOneInterval)
{
  ReloadSchedule::Signatures loaded;
  loaded.certificate.inode = 1;
  loaded.privateKey.inode = 2;
  ReloadSchedule schedule(loaded);
  EXPECT_FALSE(schedule.IsDue(loaded));

  ReloadSchedule::Signatures certificateWritten = loaded;
  certificateWritten.certificate.inode = 3;
  EXPECT_FALSE(schedule.IsDue(certificateWritten));   // just seen: the key may follow

  ReloadSchedule::Signatures bothWritten = certificateWritten;
  bothWritten.privateKey.inode = 4;
  EXPECT_FALSE(schedule.IsDue(bothWritten));
  EXPECT_TRUE(schedule.IsDue(bothWritten));           // unchanged since the last look
  schedule.Loaded(bothWritten);
  EXPECT_FALSE(schedule.IsDue(bothWritten));
}


TEST(ReloadSchedule, FailedPairIsNotTriedAgainUntilTheFilesChange)
{
  ReloadSchedule::Signatures loaded;
  ReloadSchedule schedule(loaded);
  ReloadSchedule::Signatures broken;
  broken.certificate.size = 10;
  EXPECT_FALSE(schedule.IsDue(broken));
  EXPECT_TRUE(schedule.IsDue(broken));
  schedule.Failed(broken);
  EXPECT_FALSE(schedule.IsDue(broken));
  EXPECT_FALSE(schedule.IsDue(broken));

  ReloadSchedule::Signatures fixed = broken;
  fixed.privateKey.size = 20;
  EXPECT_FALSE(schedule.IsDue(fixed));
  EXPECT_TRUE(schedule.IsDue(fixed));

  // Back to the files in use (an operator restoring them): nothing to do.
  EXPECT_FALSE(schedule.IsDue(loaded));
  EXPECT_FALSE(schedule.IsDue(loaded));
}


TEST(FileSignature, FollowsSymbolicLinksAndTellsMissingFiles)
{
  TemporaryFolder folder;
  std::ofstream(folder.Path("a")) << "one";
  std::ofstream(folder.Path("b")) << "two";
  std::filesystem::create_symlink(folder.Path("a"), folder.Path("link"));
  const FileSignature viaLink = FileSignature::Of(folder.Path("link"));
  EXPECT_EQ(0, viaLink.error);
  EXPECT_EQ(FileSignature::Of(folder.Path("a")), viaLink);

  // The link re-pointed, as a Kubernetes secret's ..data link is.
  std::filesystem::remove(folder.Path("link"));
  std::filesystem::create_symlink(folder.Path("b"), folder.Path("link"));
  EXPECT_NE(viaLink, FileSignature::Of(folder.Path("link")));

  EXPECT_EQ(ENOENT, FileSignature::Of(folder.Path("missing")).error);
}


TEST_F(ServerTlsRenewal, ReplacedPairIsUsedAfterItStaysUnchangedForOneCheck)
{
  ServerTls tls(settings_, logger_, NEVER);
  const auto before = tls.Current();
  ASSERT_TRUE(Presents(before, folder_.Path("old-cert.pem")));

  ReplaceFile(folder_.Path("new-cert.pem"), folder_.Path("cert.pem"));
  ReplaceFile(folder_.Path("new-key.pem"), folder_.Path("key.pem"));
  tls.CheckFiles();
  EXPECT_TRUE(Presents(tls.Current(), folder_.Path("old-cert.pem")));
  tls.CheckFiles();
  EXPECT_TRUE(Presents(tls.Current(), folder_.Path("new-cert.pem")));
  EXPECT_TRUE(logger_.Contains("warning", "new connections use them"));

  // A connection that began before holds the old context, still whole.
  EXPECT_TRUE(Presents(before, folder_.Path("old-cert.pem")));
}


TEST_F(ServerTlsRenewal, MismatchedNewPairIsRefusedAndTheOldOneStays)
{
  ServerTls tls(settings_, logger_, NEVER);
  ReplaceFile(folder_.Path("new-cert.pem"), folder_.Path("cert.pem"));   // the key is still the old one
  tls.CheckFiles();
  tls.CheckFiles();
  EXPECT_TRUE(Presents(tls.Current(), folder_.Path("old-cert.pem")));
  EXPECT_EQ(1u, logger_.Count("error", "does not match"));
  EXPECT_EQ(1u, logger_.Count("error", "the previous pair stays in use"));

  tls.CheckFiles();   // not tried again, not logged again
  EXPECT_EQ(1u, logger_.Count("error", "does not match"));

  ReplaceFile(folder_.Path("new-key.pem"), folder_.Path("key.pem"));
  tls.CheckFiles();
  tls.CheckFiles();
  EXPECT_TRUE(Presents(tls.Current(), folder_.Path("new-cert.pem")));
}


TEST_F(ServerTlsRenewal, TruncatedOrMissingFilesKeepTheOldPair)
{
  ServerTls tls(settings_, logger_, NEVER);
  std::ofstream(folder_.Path("cert.pem"), std::ios::trunc) << "-----BEGIN CERTIFICATE-----\nMIIB";
  tls.CheckFiles();
  tls.CheckFiles();
  EXPECT_TRUE(Presents(tls.Current(), folder_.Path("old-cert.pem")));
  EXPECT_TRUE(logger_.Contains("error", "Cors.Gateway.SslCertificate"));

  ReplaceFile(folder_.Path("old-cert.pem"), folder_.Path("cert.pem"));
  std::filesystem::remove(folder_.Path("key.pem"));
  tls.CheckFiles();
  tls.CheckFiles();
  EXPECT_TRUE(Presents(tls.Current(), folder_.Path("old-cert.pem")));
  EXPECT_TRUE(logger_.Contains("error", "Cors.Gateway.SslPrivateKey"));
}


TEST_F(ServerTlsRenewal, WatchingThreadStopsPromptly)
{
  ServerTls tls(settings_, logger_, NEVER);
  tls.Start();
  const auto began = std::chrono::steady_clock::now();
  tls.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(1));
}
