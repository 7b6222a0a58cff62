// SPDX-License-Identifier: AGPL-3.0-or-later

#include "TestTls.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace OrthancCors::Testing
{
  TemporaryFolder::TemporaryFolder()
  {
    char pattern[] = "/tmp/orthanc-cors-gateway-XXXXXX";
    if (::mkdtemp(pattern) == nullptr)
    {
      throw std::runtime_error("mkdtemp");
    }
    path_ = pattern;
  }


  TemporaryFolder::~TemporaryFolder()
  {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }


  void WriteSelfSignedCertificate(const std::string& certificatePath, const std::string& privateKeyPath)
  {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    X509* certificate = X509_new();
    X509_set_version(certificate, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
    X509_gmtime_adj(X509_getm_notBefore(certificate), -3600);
    X509_gmtime_adj(X509_getm_notAfter(certificate), 3600 * 24);
    X509_set_pubkey(certificate, key);
    X509_NAME* name = X509_get_subject_name(certificate);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(certificate, name);
    X509_sign(certificate, key, EVP_sha256());

    FILE* file = std::fopen(certificatePath.c_str(), "w");
    PEM_write_X509(file, certificate);
    std::fclose(file);
    file = std::fopen(privateKeyPath.c_str(), "w");
    PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(file);

    X509_free(certificate);
    EVP_PKEY_free(key);
  }


  TlsTestClient::TlsTestClient(uint16_t port, int maxVersion) :
    socket_(TestSocket::Connect(port))
  {
    context_ = SSL_CTX_new(TLS_client_method());
    // Level 0 lets this client offer outdated protocols, so that a refusal comes
    // from the server under test and not from the client's own defaults.
    SSL_CTX_set_security_level(context_, 0);
    SSL_CTX_set_min_proto_version(context_, 0);
    if (maxVersion != 0)
    {
      SSL_CTX_set_max_proto_version(context_, maxVersion);
    }
    SSL_CTX_set_verify(context_, SSL_VERIFY_NONE, nullptr);
    ssl_ = SSL_new(context_);

    const timeval timeout{15, 0};
    ::setsockopt(socket_.GetDescriptor(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    ::setsockopt(socket_.GetDescriptor(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    SSL_set_fd(ssl_, socket_.GetDescriptor());
  }


  TlsTestClient::~TlsTestClient()
  {
    SSL_free(ssl_);
    SSL_CTX_free(context_);
  }


  bool TlsTestClient::Handshake()
  {
    return SSL_connect(ssl_) == 1;
  }


  bool TlsTestClient::SendAll(const std::string& data)
  {
    return SSL_write(ssl_, data.data(), static_cast<int>(data.size())) == static_cast<int>(data.size());
  }


  std::string TlsTestClient::ReadUntilClosed()
  {
    std::string received;
    char buffer[16384];
    for (;;)
    {
      const int count = SSL_read(ssl_, buffer, sizeof(buffer));
      if (count <= 0)
      {
        return received;
      }
      received.append(buffer, static_cast<std::size_t>(count));
    }
  }
}
