// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "TestSocket.h"

#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace OrthancCors::Testing
{
  // A folder under /tmp removed with its files when destroyed.
  class TemporaryFolder
  {
  public:
    TemporaryFolder();
    ~TemporaryFolder();
    std::string Path(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
  };

  // Writes a fresh self-signed certificate for "localhost" and its RSA key as PEM files.
  void WriteSelfSignedCertificate(const std::string& certificatePath, const std::string& privateKeyPath);

  // A blocking TLS client on a TestSocket (reads bounded by SO_RCVTIMEO).
  class TlsTestClient
  {
  public:
    // `maxVersion` e.g. TLS1_1_VERSION to offer an outdated protocol only; 0 = any.
    TlsTestClient(uint16_t port, int maxVersion = 0);
    ~TlsTestClient();

    // Before Handshake(): what to offer (OpenSSL's SSL_set_cipher_list, SSL_set_alpn_protos...).
    SSL* Native() { return ssl_; }

    bool Handshake();
    bool SendAll(const std::string& data);
    std::string ReadUntilClosed();   // everything the server sends until it closes

  private:
    TestSocket socket_;
    SSL_CTX* context_ = nullptr;
    SSL* ssl_ = nullptr;
  };
}
