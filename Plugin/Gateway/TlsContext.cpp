// SPDX-License-Identifier: AGPL-3.0-or-later

#include "TlsContext.h"

#include "../Configuration/ConfigurationKeys.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>
#include <string_view>

namespace OrthancCors
{
  namespace
  {
    [[noreturn]] void Fail(const std::string& key, const std::string& reason)
    {
      throw std::runtime_error(key + ": " + reason);
    }

    // OpenSSL's own explanation, e.g. "no start line (PEM routines)".
    std::string DescribeOpenSslError(const boost::system::error_code& error)
    {
      return error.message();
    }

    // Mozilla's "intermediate" profile: the curves every current client offers.
    const char* const KEY_EXCHANGE_GROUPS = "X25519:prime256v1:secp384r1";

    // ALPN (RFC 7301): "http/1.1" in its wire format, a length-prefixed string.
    const unsigned char ALPN_HTTP_11[] = { 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };

    // The gateway speaks HTTP/1.1 only. A client offering ALPN without it (only
    // "h2", say) is refused with no_application_protocol, as RFC 7301 says,
    // rather than left to fail on its first frame.
    int SelectApplicationProtocol(SSL*, const unsigned char** selected, unsigned char* selectedLength,
                                  const unsigned char* offered, unsigned int offeredLength, void*)
    {
      unsigned char* chosen = nullptr;
      if (::SSL_select_next_proto(&chosen, selectedLength, ALPN_HTTP_11, sizeof(ALPN_HTTP_11),
                                  offered, offeredLength) != OPENSSL_NPN_NEGOTIATED)
      {
        return SSL_TLSEXT_ERR_ALERT_FATAL;
      }
      *selected = chosen;
      return SSL_TLSEXT_ERR_OK;
    }

    // Why `name` cannot be one of the gateway's TLS 1.2 suites, or "" when it can:
    // one suite as OpenSSL names it (not a cipher string such as "HIGH", not a
    // TLS 1.3 suite), with ECDHE key exchange (forward secrecy), an RSA or ECDSA
    // certificate, and an AEAD cipher. An operator cannot add static RSA, CBC,
    // 3DES or anonymous suites back: a client that needs them keeps its proxy.
    std::string CheckTls12CipherSuite(const std::string& name)
    {
      std::unique_ptr<SSL_CTX, decltype(&::SSL_CTX_free)> probe(::SSL_CTX_new(::TLS_server_method()), &::SSL_CTX_free);
      if (probe)
      {
        ::SSL_CTX_set_security_level(probe.get(), 0);   // judged below, not by the default level
      }
      if (!probe || ::SSL_CTX_set_cipher_list(probe.get(), name.c_str()) != 1)
      {
        ::ERR_clear_error();
        return "is not a TLS 1.2 cipher suite that this OpenSSL (" + std::string(OpenSSL_version(OPENSSL_VERSION)) +
          ") knows; `openssl ciphers -v` lists them";
      }
      STACK_OF(SSL_CIPHER)* ciphers = ::SSL_CTX_get_ciphers(probe.get());
      const SSL_CIPHER* found = nullptr;
      int tls12 = 0;
      for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); i++)
      {
        const SSL_CIPHER* cipher = sk_SSL_CIPHER_value(ciphers, i);
        if (std::string_view(::SSL_CIPHER_get_version(cipher)) != "TLSv1.3")
        {
          tls12++;
          found = (name == ::SSL_CIPHER_get_name(cipher)) ? cipher : found;
        }
      }
      if (tls12 != 1 || found == nullptr)
      {
        return "is not the name of one TLS 1.2 cipher suite (`openssl ciphers -v` lists them)";
      }
      const int authentication = ::SSL_CIPHER_get_auth_nid(found);
      if (::SSL_CIPHER_get_kx_nid(found) != NID_kx_ecdhe ||
          (authentication != NID_auth_rsa && authentication != NID_auth_ecdsa) ||
          ::SSL_CIPHER_is_aead(found) != 1)
      {
        return "is a weak suite: the gateway takes only ECDHE key exchange with an RSA or ECDSA certificate "
          "and an AEAD cipher (AES-GCM, ChaCha20-Poly1305, AES-CCM), such as ECDHE-RSA-AES128-GCM-SHA256";
      }
      return "";
    }

    void ApplyCipherSuites(boost::asio::ssl::context& context, const GatewaySettings& settings)
    {
      const std::string key = ConfigurationKeys::GatewayKeyPath(ConfigurationKeys::Gateway::SSL_CIPHERS);
      std::string list;
      for (std::size_t i = 0; i < settings.sslCiphers.size(); i++)
      {
        const std::string& name = settings.sslCiphers[i];
        const std::string problem = CheckTls12CipherSuite(name);
        if (!problem.empty())
        {
          Fail(key + "[" + std::to_string(i) + "]", "\"" + name + "\" " + problem);
        }
        if (!list.empty())
        {
          list += ':';
        }
        list += name;
      }
      if (::SSL_CTX_set_cipher_list(context.native_handle(), list.c_str()) != 1)
      {
        ::ERR_clear_error();
        Fail(key, "OpenSSL refuses the list \"" + list + "\"");
      }
    }

    void RequireModernTls(boost::asio::ssl::context& context)
    {
      context.set_options(boost::asio::ssl::context::default_workarounds |
                          boost::asio::ssl::context::no_sslv2 |
                          boost::asio::ssl::context::no_sslv3 |
                          boost::asio::ssl::context::no_tlsv1 |
                          boost::asio::ssl::context::no_tlsv1_1);
      ::SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
    }
  }


  std::shared_ptr<boost::asio::ssl::context> CreateServerTlsContext(const GatewaySettings& settings)
  {
    // The configuration resolved both paths (the key file defaults to the
    // certificate file) and checked that they are readable files.
    const std::string& certificate = settings.sslCertificate;
    const std::string& privateKey = settings.sslPrivateKey;
    const std::string keyOfCertificate = ConfigurationKeys::GatewayKeyPath(ConfigurationKeys::Gateway::SSL_CERTIFICATE);
    const std::string keyOfPrivateKey = ConfigurationKeys::GatewayKeyPath(ConfigurationKeys::Gateway::SSL_PRIVATE_KEY);

    auto context = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
    RequireModernTls(*context);
    SSL_CTX* native = context->native_handle();
    if (settings.sslMinimumProtocolVersion == TlsVersion::Tls13)
    {
      ::SSL_CTX_set_min_proto_version(native, TLS1_3_VERSION);
    }
    // The server's order of the suites wins over the client's: with the default
    // suites, all strong, it changes little; with suites an operator added for
    // old clients, it keeps the strong ones first for everybody else.
    // No session tickets: a ticket key that is never rotated would undo forward
    // secrecy (Mozilla's advice); resumption uses the server's session cache.
    // No renegotiation: a client could make the server work for nothing.
    ::SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
                          SSL_OP_NO_COMPRESSION | SSL_OP_SINGLE_ECDH_USE);
    context->set_options(boost::asio::ssl::context::single_dh_use);
    ApplyCipherSuites(*context, settings);
    if (::SSL_CTX_set1_groups_list(native, KEY_EXCHANGE_GROUPS) != 1)
    {
      ::ERR_clear_error();
      throw std::runtime_error(std::string("this OpenSSL lacks the key exchange groups ") + KEY_EXCHANGE_GROUPS);
    }
    ::SSL_CTX_set_alpn_select_cb(native, &SelectApplicationProtocol, nullptr);

    // An encrypted key would make OpenSSL prompt on Orthanc's terminal: refuse it instead.
    context->set_password_callback([](std::size_t, boost::asio::ssl::context::password_purpose)
    {
      return std::string();
    });

    boost::system::error_code error;
    context->use_certificate_chain_file(certificate, error);
    if (error)
    {
      Fail(keyOfCertificate, "\"" + certificate + "\" holds no usable PEM certificate (" +
           DescribeOpenSslError(error) + ")");
    }

    const std::string mismatch = "the private key in \"" + privateKey + "\" does not match the certificate in \"" +
      certificate + "\"";
    context->use_private_key_file(privateKey, boost::asio::ssl::context::pem, error);
    if (error)
    {
      const unsigned long code = static_cast<unsigned int>(error.value());
      if (ERR_GET_LIB(code) == ERR_LIB_X509 && ERR_GET_REASON(code) == X509_R_KEY_VALUES_MISMATCH)
      {
        Fail(keyOfPrivateKey, mismatch);
      }
      Fail(keyOfPrivateKey, "\"" + privateKey + "\" holds no usable PEM private key, or it is encrypted (" +
           DescribeOpenSslError(error) + ")");
    }

    if (::SSL_CTX_check_private_key(context->native_handle()) != 1)
    {
      ::ERR_clear_error();
      Fail(keyOfPrivateKey, mismatch);
    }
    return context;
  }


  std::shared_ptr<boost::asio::ssl::context> CreateUpstreamTlsContext()
  {
    auto context = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
    RequireModernTls(*context);
    context->set_verify_mode(boost::asio::ssl::verify_none);
    return context;
  }
}
