#include "TlsContext.h"

#include "../Configuration/ConfigurationKeys.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdexcept>

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
    context->set_options(boost::asio::ssl::context::single_dh_use);

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
